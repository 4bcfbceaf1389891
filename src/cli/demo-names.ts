/** Synthetic people only: Danish, Nordic, Polish, Czech, French and Cyrillic names, to exercise sorting and fonts. */
export const FIRST_NAMES = [
  'Birthe', 'Jens-Åge', 'Zoë', 'Mathilde', 'Søren', 'Ærlig', 'Øjvind', 'Åse', 'Frederik', 'Signe',
  'Łukasz', 'Małgorzata', 'Zdeněk', 'Kateřina', 'Hélène', 'Rémi', 'Анна', 'Дмитрий', 'Ольга', 'Ingrid',
  'Mads', 'Freja', 'Noah', 'Ida', 'Ahmad', 'Fatima', 'Björn', 'Jürgen', 'Aoife', 'Nuño',
];

export const LAST_NAMES = [
  'Ødegaard', 'Mølgaard', 'Brønnum', 'Ærøe', 'Åberg', 'Nielsen', 'Jensen', 'Hansen', 'Sørensen', 'Kristensen',
  'Wiśniewski', 'Łęcki', 'Dvořák', 'Novotná', 'Lefèvre', 'Müller', 'Иванова', 'Петров', 'Smirnova', 'Østergård',
  'Bækgaard', 'Holm', 'Larsen', 'Andersen', 'Yılmaz', 'Karimi', 'Þórsson', 'Nguyễn', 'O’Brien', 'Castaño',
];

export const CITIES: [string, string][] = [
  ['2200', 'København N'], ['8000', 'Aarhus C'], ['5000', 'Odense C'], ['9000', 'Aalborg'], ['6700', 'Esbjerg'],
  ['4000', 'Roskilde'], ['7100', 'Vejle'], ['3400', 'Hillerød'], ['2900', 'Hellerup'], ['8800', 'Viborg'],
];

export const STREETS = ['Nørrebrogade', 'Åboulevard', 'Vestergade', 'Strandvejen', 'Søndergade', 'Østerbrogade', 'Kongensgade'];

export const ABOUT_ME = [
  'Mor til en dreng på 7',
  'Kan træffes efter kl. 16',
  'Gerne sms',
  'Far til to, den ene med diagnosen',
  'Spørg mig gerne om hjælpemidler',
  '',
];
