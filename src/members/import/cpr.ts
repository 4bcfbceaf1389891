/**
 * A Danish CPR number is DDMMYY-SSSS or DDMMYYSSSS, and people also write it with a space or with the
 * dash Word and Excel autocorrect to (en dash, minus sign). We do not run the modulus-11 check: numbers
 * issued since 2007 need not pass it, and refusing a lookalike costs less than storing a real one.
 * The digit run must stand alone, so a phone number (+45 20123456), a postal code or a longer
 * account number is not taken for one. NFKC first, so full-width digits are digits too.
 */
const CPR_PATTERN = /(?<!\d)(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])\d{2}(?:[ \u00a0]?[-\u2010-\u2015\u2212][ \u00a0]?|[ \u00a0])?\d{4}(?!\d)/;

export function containsCprNumber(text: string): boolean {
  return CPR_PATTERN.test(text.normalize('NFKC'));
}
