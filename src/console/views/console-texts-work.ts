/**
 * The console's texts for confirmation steps, single-member and list forms and the audit log's words
 * (kept apart from console-texts.ts so that file stays readable). Danish first; English mirrors it.
 */
const da = {
  // Confirmation pages (a GET that says what will happen, then a POST form that does it).
  cancel: 'Fortryd',
  confirmEraseTitle: 'Gennemfør sletningen',
  confirmEraseLead: 'Du er ved at slette {name}, som selv har bedt om det i portalen.',
  rejectTitle: 'Afvis anmodningen',
  rejectLead: 'Du er ved at afvise anmodningen om adgang fra {name} ({email}).',
  rejectWhat:
    'Personen får en kort, venlig e-mail om, at vi ikke kan give adgang. Mailen nævner hverken navn eller netværk. Anmodningen markeres som afvist, og der oprettes intet medlem.',
  rejectConfirm: 'Afvis anmodningen',
  publishTitle: 'Udsend udgaven',
  publishLead: 'Du er ved at udsende en ny udgave af "{title}".',
  publishNotices: 'Udgaven går til {r} modtagere med {n} rækker. Hver modtager får én e-mail om, at der er en ny besked i portalen.',
  publishNoticesApproval: 'Udgaven går til {r} modtagere med {n} rækker, når en anden koordinator har godkendt den. Først da får hver modtager én e-mail.',
  publishNoChange: 'Intet er ændret siden sidste udgave.',
  publishErasureWarning: 'Advarsel: {n} medlemmer på listen har bedt om at blive slettet. Gennemfør sletningen først, så de ikke kommer med:',
  publishConfirm: 'Udsend nu',
};

type WorkTexts = typeof da;

const en: WorkTexts = {
  cancel: 'Cancel',
  confirmEraseTitle: 'Carry out erasure',
  confirmEraseLead: 'You are about to erase {name}, who asked for it in the portal.',
  rejectTitle: 'Reject the request',
  rejectLead: 'You are about to reject the request for access from {name} ({email}).',
  rejectWhat:
    'The person gets a short, polite e-mail saying we cannot give access. The mail names neither the person nor the network. The request is marked as rejected, and no member is created.',
  rejectConfirm: 'Reject the request',
  publishTitle: 'Publish the edition',
  publishLead: 'You are about to publish a new edition of "{title}".',
  publishNotices: 'The edition goes to {r} recipients with {n} rows. Each recipient gets one e-mail saying there is a new message in the portal.',
  publishNoticesApproval: 'The edition goes to {r} recipients with {n} rows once another coordinator has approved it. Only then does each recipient get one e-mail.',
  publishNoChange: 'Nothing has changed since the last edition.',
  publishErasureWarning: 'Warning: {n} members on the list have asked to be erased. Carry out the erasure first so they are left out:',
  publishConfirm: 'Publish now',
};

export const WORK_TEXTS = { da, en };
