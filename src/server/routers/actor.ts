/** The audit actor of a signed-in user's change: the user, labelled by email. */
export const actorOf = (user: { id: string; email: string }) => ({ type: 'user' as const, id: user.id, label: user.email });
