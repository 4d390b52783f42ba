import nodemailer from 'nodemailer';
import type { DbOrTx } from '../db';
import { getEnv } from '../env';

export type Mail = { to: string; subject: string; text: string };

let transport: nodemailer.Transporter | null | undefined;

function smtpTransport(): nodemailer.Transporter | null {
  if (transport === undefined) {
    const url = getEnv().SMTP_URL;
    transport = url ? nodemailer.createTransport(url) : null;
  }
  return transport;
}

/**
 * Records the mail in the outbox and sends it over SMTP when configured. Without SMTP the mail
 * stays in the outbox (the development outbox page shows it) and, in production, a warning says
 * that nothing was sent.
 */
export async function sendMail(db: DbOrTx, mail: Mail): Promise<{ id: string; status: 'sent' | 'failed' | 'stored' }> {
  const env = getEnv();
  const smtp = smtpTransport();
  const record = await db.outboundEmail.create({ data: { ...mail, status: smtp ? 'sending' : 'stored' } });
  if (!smtp) {
    if (env.isProduction) console.warn(`Mail to ${mail.to} ("${mail.subject}") was not sent: SMTP_URL is not configured.`);
    return { id: record.id, status: 'stored' };
  }
  try {
    await smtp.sendMail({ from: env.MAIL_FROM, ...mail });
    await db.outboundEmail.update({ where: { id: record.id }, data: { status: 'sent', sentAt: new Date(), attempts: 1 } });
    return { id: record.id, status: 'sent' };
  } catch (error) {
    const message = error instanceof Error ? error.message.slice(0, 500) : 'unknown error';
    console.error(`Mail to ${mail.to} failed: ${message}`);
    await db.outboundEmail.update({ where: { id: record.id }, data: { status: 'failed', error: message, attempts: 1 } });
    return { id: record.id, status: 'failed' };
  }
}

/** The newest outbox mail, for the development outbox page. */
export function listOutbox(db: DbOrTx, take = 50) {
  return db.outboundEmail.findMany({ orderBy: { createdAt: 'desc' }, take });
}
