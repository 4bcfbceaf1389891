/** Request body limits, shared by the JSON API and the web pages. */
export const JSON_BODY_LIMIT = '100kb';
export const IMPORT_BODY_LIMIT = '20mb';
export const IMPORT_BODY_BYTES = 20 * 1024 * 1024;
export const FORM_BODY_LIMIT = '20kb';
/** The console's import confirmation carries the checked file back (base64, a third larger). */
export const IMPORT_FORM_BODY_LIMIT = '28mb';
