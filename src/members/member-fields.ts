/** The contact fields a member can agree to show, in the order lists show them. */
export const MEMBER_FIELDS = ['name', 'email', 'phone', 'address', 'postal_code', 'city', 'about_me'] as const;
export type MemberField = (typeof MEMBER_FIELDS)[number];
