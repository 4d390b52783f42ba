'use client';

import { forwardRef, useEffect, useId, useState, type InputHTMLAttributes } from 'react';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { generateStrongPassword, passwordProblems, passwordUserInputs } from '@/lib/password-rules';

type PasswordFieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'type' | 'value' | 'defaultValue'> & {
  label: string;
  error?: string;
  hint?: string;
  /** The user's email and name: the rules refuse them and the estimate counts them as guessable. */
  userInputs?: { email?: string; name?: string };
  /** The server's setting (PASSWORD_REQUIRE_CHARACTER_CLASSES), so the meter asks for what the server will. */
  requireCharacterClasses: boolean;
  /** Receives a generated password; the form puts it in the field (react-hook-form: setValue). */
  onGenerated: (password: string) => void;
};

/** `score` is null when the estimate could not run; the local rules' reasons are still there. */
type Assessment = { password: string; score: 0 | 1 | 2 | 3 | 4 | null; reasons: string[] };

const STRENGTH = [
  { label: 'weak', segments: 1, colour: 'bg-red-500' },
  { label: 'weak', segments: 1, colour: 'bg-red-500' },
  { label: 'fair', segments: 2, colour: 'bg-amber-500' },
  { label: 'good', segments: 3, colour: 'bg-lime-600' },
  { label: 'strong', segments: 4, colour: 'bg-green-600' },
] as const;

/** Long enough that typing does not re-run zxcvbn on every key. */
const ASSESS_DELAY_MS = 150;

// The zxcvbn dictionaries (about 1.6 MB) load on the first keystroke, in their own chunk.
const loadPasswordStrength = () => import('@/lib/password-strength');

async function assess(password: string, email: string, name: string, requireCharacterClasses: boolean): Promise<Assessment> {
  const problems = passwordProblems(password, { email, name, requireCharacterClasses });
  const { COMMON_PASSWORD_PROBLEM, estimatePasswordStrength, isCommonPassword } = await loadPasswordStrength();
  const strength = estimatePasswordStrength(password, passwordUserInputs({ email, name }));
  if (isCommonPassword(password)) problems.push(COMMON_PASSWORD_PROBLEM);
  const reasons = [...new Set([...problems, ...(strength.warning ? [strength.warning] : []), ...strength.suggestions])];
  // The server refuses a password that breaks a rule however zxcvbn rates it, so the meter does not call it good.
  const score = problems.length > 0 ? (Math.min(strength.score, 1) as 0 | 1) : strength.score;
  return { password, score, reasons };
}

/**
 * A new-password input with a show/hide toggle, a strong-password generator and a live strength
 * meter that lists what the server would object to. Uncontrolled, so react-hook-form's `register`
 * spreads onto it; the form sets generated passwords through `onGenerated`.
 */
export const PasswordField = forwardRef<HTMLInputElement, PasswordFieldProps>(function PasswordField(
  { label, error, hint, userInputs, requireCharacterClasses, onGenerated, onChange, id, className, ...props },
  ref,
) {
  const generatedId = useId();
  const inputId = id ?? generatedId;
  const [visible, setVisible] = useState(false);
  const [password, setPassword] = useState('');
  const [assessment, setAssessment] = useState<Assessment | null>(null);
  const email = userInputs?.email ?? '';
  const name = userInputs?.name ?? '';

  useEffect(() => {
    if (!password) return;
    let superseded = false;
    const timer = setTimeout(() => {
      void assess(password, email, name, requireCharacterClasses).then(
        (result) => {
          if (!superseded) setAssessment(result);
        },
        // Without the dictionaries (the chunk failed to load) the local rules still speak.
        () => {
          if (!superseded) setAssessment({ password, score: null, reasons: passwordProblems(password, { email, name, requireCharacterClasses }) });
        },
      );
    }, ASSESS_DELAY_MS);
    return () => {
      superseded = true;
      clearTimeout(timer);
    };
  }, [password, email, name, requireCharacterClasses]);

  const generate = () => {
    const generated = generateStrongPassword();
    setPassword(generated);
    setVisible(true);
    onGenerated(generated);
  };

  // An empty field shows an empty meter, and a stale result is never shown for another password.
  const current = password && assessment?.password === password ? assessment : null;
  const strength = current && current.score !== null ? STRENGTH[current.score] : null;
  const strengthId = `${inputId}-strength`;
  const reasonsId = `${inputId}-reasons`;
  const describedBy = [error ? `${inputId}-error` : null, hint && !error ? `${inputId}-hint` : null, strengthId, current?.reasons.length ? reasonsId : null]
    .filter(Boolean)
    .join(' ');

  return (
    <div className={className}>
      <Input
        {...props}
        ref={ref}
        id={inputId}
        label={label}
        error={error}
        hint={hint}
        type={visible ? 'text' : 'password'}
        autoComplete="new-password"
        autoCapitalize="off"
        spellCheck={false}
        aria-describedby={describedBy}
        onChange={(event) => {
          setPassword(event.target.value);
          return onChange?.(event);
        }}
      />
      <div className="mt-2 flex flex-wrap gap-2">
        <Button variant="secondary" aria-controls={inputId} aria-pressed={visible} onClick={() => setVisible(!visible)}>
          Show password
        </Button>
        <Button variant="secondary" onClick={generate}>
          Generate strong password
        </Button>
      </div>
      <div className="mt-3 flex gap-1" aria-hidden>
        {[1, 2, 3, 4].map((segment) => (
          <span key={segment} className={`h-1.5 flex-1 rounded-full ${strength && segment <= strength.segments ? strength.colour : 'bg-slate-200'}`} />
        ))}
      </div>
      <p id={strengthId} aria-live="polite" className="mt-1 min-h-4 text-xs text-slate-600">
        {strength ? `Strength: ${strength.label}` : ''}
      </p>
      {current && current.reasons.length > 0 && (
        <ul id={reasonsId} className="mt-1 list-disc space-y-0.5 pl-5 text-xs text-slate-600">
          {current.reasons.map((reason) => (
            <li key={reason}>{reason}</li>
          ))}
        </ul>
      )}
    </div>
  );
});
