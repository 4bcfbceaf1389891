import { describe, expect, it } from '@jest/globals';
import { DomainError, ValidationFailedError } from '../../common/domain-error.js';
import { actionInWords, detailInWords } from './audit-words.js';
import { consoleFormErrors, importProblems, problemText } from './console-errors.js';

describe('console errors in the page language', () => {
  it('says a known code in Danish or English with the field label, never the service message', () => {
    const problem = { field: 'password', code: 'PASSWORD_TOO_SHORT', message: 'password must be at least 12 characters' };
    const error = new ValidationFailedError([problem]);
    expect(consoleFormErrors(error, 'da', 'email')).toEqual([{ field: 'password', message: 'Adgangskoden skal have mindst 12 tegn' }]);
    const english = consoleFormErrors(error, 'en', 'email');
    expect(english).toEqual([{ field: 'password', message: 'The password must have at least 12 characters' }]);
  });

  it('falls back to a general sentence naming the field label for a code it does not know', () => {
    expect(problemText({ field: 'title', code: 'SOMETHING_NEW' }, 'da')).toBe('Titel er ikke udfyldt rigtigt');
    expect(problemText({ field: 'postal_code', code: 'SOMETHING_NEW' }, 'en')).toBe('Postal code is not filled in correctly');
    expect(problemText({ code: 'SOMETHING_NEW' }, 'da')).toBe('Noget i formularen er ikke udfyldt rigtigt');
  });

  it('gives import rows the field label and the problem in words', () => {
    const error = new ValidationFailedError([{ row: 4, field: 'email', code: 'INVALID_EMAIL', message: 'E-mail is not a valid address' }]);
    expect(importProblems(error, 'da')).toEqual([{ row: 4, field: 'E-mail', message: 'E-mail er ikke en gyldig e-mailadresse' }]);
  });

  it('maps a single-problem error (a conflict) by its own code and field', () => {
    const taken = new DomainError('conflict', 'MEMBER_EMAIL_TAKEN', 'A member with this e-mail address already exists', 'email');
    const errors = consoleFormErrors(taken, 'da', 'name');
    expect(errors).toEqual([{ field: 'email', message: 'Der findes allerede et medlem med denne e-mailadresse' }]);
  });
});

describe('the audit log in words', () => {
  it('names known actions and shows unknown ones as their code', () => {
    expect(actionInWords('edition.approved', 'da')).toBe('Udgave godkendt');
    expect(actionInWords('something.new', 'da')).toBe('something.new');
  });

  it('writes the detail with Danish keys and field names, and counts long id lists', () => {
    expect(detailInWords({ fields: ['phone', 'city'], created: true }, 'da')).toBe('felter: telefon, by; oprettet: ja');
    expect(detailInWords({ outboxIds: ['a', 'b', 'c', 'd'] }, 'en')).toBe('outboxIds: 4');
  });
});
