/**
 * The sentences that state the rule behind an adverse step, in each language, built from the same
 * preset values the workflows act on, so an e-mail can never cite a number the workflow did not use.
 */
import type { z } from 'zod';
import type { Formatter, PluralForms } from './format';
import type { deferralOffer, endRule, penaltyRule, reactivationRule, restoreOffer, suspensionRule } from './schemas';

export const DAYS: Record<'en' | 'sl', PluralForms> = {
  en: { one: 'day', other: 'days' },
  sl: { one: 'dan', two: 'dneva', few: 'dni', other: 'dni' },
};

const HOURS: Record<'en' | 'sl', PluralForms> = {
  en: { one: 'hour', other: 'hours' },
  sl: { one: 'uro', two: 'uri', few: 'ure', other: 'ur' },
};

export const WORKING_DAYS: Record<'en' | 'sl', PluralForms> = {
  en: { one: 'working day', other: 'working days' },
  sl: { one: 'delovni dan', two: 'delovna dneva', few: 'delovne dni', other: 'delovnih dni' },
};

const under = (f: Formatter, c: string) =>
  f.language === 'sl' ? `V skladu s točko ${c} naših pogojev poslovanja` : `Under clause ${c} of our terms`;

export function suspensionSentence(r: z.infer<typeof suspensionRule>, f: Formatter): string {
  if (f.language === 'sl') {
    return r.graceDays > 0
      ? `${under(f, r.clause)} se neplačana storitev začasno ustavi ${f.plural(r.graceDays, DAYS.sl)} po datumu zapadlosti računa.`
      : `${under(f, r.clause)} se storitev lahko začasno ustavi takoj, ko račun zapade in ni plačan.`;
  }
  return r.graceDays > 0
    ? `${under(f, r.clause)}, an unpaid service is suspended ${f.plural(r.graceDays, DAYS.en)} after the invoice's due date.`
    : `${under(f, r.clause)}, a service may be suspended as soon as its invoice is overdue.`;
}

export function endSentence(r: z.infer<typeof endRule>, f: Formatter): string {
  if (f.language === 'sl') {
    const from = r.from === 'due_date' ? 'datumu zapadlosti' : 'datumu izdaje računa';
    return r.kind === 'deletion'
      ? `${under(f, r.clause)} storitev in vse njene podatke izbrišemo, ko je račun neplačan več kot ${f.plural(r.days, DAYS.sl)} po ${from}.`
      : `${under(f, r.clause)} lahko pogodbo enostransko odpovemo, ko zamuda s plačilom preseže ${f.plural(r.days, DAYS.sl)} po ${from}; neplačani znesek je treba poravnati tudi po odpovedi.`;
  }
  const from = r.from === 'due_date' ? 'its due date' : 'the invoice date';
  return r.kind === 'deletion'
    ? `${under(f, r.clause)}, a service and all its data are deleted when its invoice is unpaid more than ${f.plural(r.days, DAYS.en)} after ${from}.`
    : `${under(f, r.clause)}, we may terminate the contract when payment is more than ${f.plural(r.days, DAYS.en)} late, counted from ${from}; the unpaid amount remains owed after termination.`;
}

export function penaltySentence(r: z.infer<typeof penaltyRule>, f: Formatter): string {
  const pct = f.percent(r.percentPerDay);
  if (f.language === 'sl') {
    const accrued = r.accrued ? ` Doslej znaša ${f.money(r.accrued)}.` : '';
    return `${under(f, r.clause)} za vsak dan zamude obračunamo pogodbeno kazen v višini ${pct} neplačanega zneska.${accrued}`;
  }
  const accrued = r.accrued ? ` So far it amounts to ${f.money(r.accrued)}.` : '';
  return `${under(f, r.clause)}, a late-payment penalty of ${pct} of the unpaid amount accrues for each day of delay.${accrued}`;
}

export function deferralItem(r: z.infer<typeof deferralOffer>, f: Formatter): string {
  return f.language === 'sl'
    ? `${under(f, r.clause)} lahko z odgovorom na to sporočilo zaprosite za odlog plačila, najdlje do ${f.dateTime(r.until)}.`
    : `${under(f, r.clause)}, you can ask for a payment deferral until ${f.dateTime(r.until)} at the latest by replying to this e-mail.`;
}

export function reactivationSentence(r: z.infer<typeof reactivationRule>, f: Formatter): string {
  const amount = f.money(r.amountToPay);
  if (f.language === 'sl') {
    return r.condition === 'all_amounts_owed'
      ? `${under(f, r.clause)} začasno ustavljeno storitev ponovno aktiviramo, ko so v celoti plačani vsi dolgovani zneski: skupaj ${amount}.`
      : `${under(f, r.clause)} začasno ustavljeno storitev ponovno aktiviramo, ko je plačan ta račun: ${amount}.`;
  }
  return r.condition === 'all_amounts_owed'
    ? `${under(f, r.clause)}, a suspended service is reactivated once everything you owe is paid in full: ${amount} in total.`
    : `${under(f, r.clause)}, a suspended service is reactivated once this invoice is paid: ${amount}.`;
}

export function restoreSentence(r: z.infer<typeof restoreOffer>, f: Formatter): string {
  return f.language === 'sl'
    ? `Če obstaja varnostna kopija, lahko podatke poskusimo obnoviti. Obnovitev obračunamo kot delo podpore, najmanj ${f.plural(r.minimumHours, HOURS.sl)} (točka ${r.clause} naših pogojev poslovanja), stroškov obnovitve pa ne vračamo; zanjo zaprosite z odgovorom na to sporočilo.`
    : `If a backup exists, we can try to restore the data. Restoring is billed as support work, at least ${f.plural(r.minimumHours, HOURS.en)} (clause ${r.clause} of our terms), and is not refundable; reply to this e-mail to ask for it.`;
}

export function alreadyPaidItem(f: Formatter): string {
  return f.language === 'sl'
    ? 'Če ste že plačali, nam v odgovoru pošljite potrdilo o plačilu, da ga lahko povežemo z računom.'
    : 'If you have already paid, reply with the proof of payment so that we can match it to the invoice.';
}

export function whatYouCanDo(f: Formatter): string {
  return f.language === 'sl' ? 'Kaj lahko storite:' : 'What you can do:';
}
