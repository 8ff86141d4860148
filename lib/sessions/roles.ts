// The two roles of a bound pair. Pure, so the server's zod enums and the dashboard use the same list.
export const ROLES = ['manager', 'worker'] as const;
export type Role = (typeof ROLES)[number];
