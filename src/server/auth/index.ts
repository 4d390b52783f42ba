export { authenticateWithPassword, completeFirstRunSetup, createUser, isSetupComplete } from './users';
export type { AuthenticatedUser, CreateUserInput, RequestMeta } from './users';
export { createSession, deviceLabel, getLiveSession, revokeSession } from './sessions';
export type { LiveSession } from './sessions';
export { hashPassword, verifyPassword } from './passwords';
export { assertAcceptablePassword, recordPasswordInHistory } from './password-policy';
export type { PasswordCandidate } from './password-policy';
export { beginPasswordSignIn, completeMfaSignIn, redeemSignInTicket } from './sign-in';
export type { PasswordStepResult } from './sign-in';
