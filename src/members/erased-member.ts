/** What an erased member's row holds instead of a name: the same for everyone, nothing to trace. */
export const ERASED_MEMBER_NAME = 'Slettet medlem';

/**
 * The e-mail column may not be empty and is unique, so an erased member gets an address built
 * from their id alone, in the reserved `.invalid` domain (RFC 2606): nothing can ever be sent to it.
 */
export const erasedMemberEmail = (memberId: string): string => `erased+${memberId}@invalid`;
