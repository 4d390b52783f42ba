import type { ComponentProps } from 'react';
import { Input } from '@/components/ui/input';

/** An authenticator-code field: numeric keypad on phones, and browsers may fill a code received by SMS or a password manager. */
export function TotpCodeInput(props: ComponentProps<typeof Input>) {
  return <Input inputMode="numeric" autoComplete="one-time-code" spellCheck={false} className="max-w-48" {...props} />;
}
