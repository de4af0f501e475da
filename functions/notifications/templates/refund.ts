/** Refund (POLICY-RULES.md §3). */
import { z } from 'zod';
import { defineTemplate } from './define';
import type { Formatter } from './format';
import { whatYouCanDo } from './rules';
import { amount, clause, id, instant, letterVars, lines, positiveAmount, text } from './schemas';

/** Where the money goes: the account it was paid from, or another one the customer named. */
const destination = z.enum(['original_payment_method', 'account_you_named']);

const destinationText = (d: z.infer<typeof destination>, f: Formatter) =>
  f.language === 'sl'
    ? d === 'original_payment_method'
      ? 'na račun oziroma kartico, s katere ste plačali'
      : 'na račun, ki ste ga navedli'
    : d === 'original_payment_method'
      ? 'the account or card you paid from'
      : 'the account you named';

export const refundApproved = defineTemplate({
  schema: letterVars.extend({
    refundId: id,
    approvedAt: instant,
    /** The itemised breakdown: amounts paid as positive lines, deductions as negative ones. */
    lines,
    refund: positiveAmount,
    clause,
    destination,
    /** The policy's processing deadline. */
    payBy: instant,
  }),
  letters: {
    en: (v, f) => ({
      subject: `Refund ${v.refundId} approved: ${f.money(v.refund)}`,
      blocks: [
        { p: `We approved your refund request ${v.refundId} on ${f.date(v.approvedAt)}.` },
        { facts: [...v.lines.map((l) => [l.description, f.money(l.amount)] as const), ['Refund', f.money(v.refund)]] },
        { p: `The amount was calculated under clause ${v.clause} of our terms; every deduction is listed above.` },
        { p: `We will pay it to ${destinationText(v.destination, f)} by ${f.dateTime(v.payBy)} at the latest and confirm it with a credit note.` },
      ],
    }),
    sl: (v, f) => ({
      subject: `Vračilo ${v.refundId} odobreno: ${f.money(v.refund)}`,
      blocks: [
        { p: `Dne ${f.date(v.approvedAt)} smo odobrili vašo zahtevo za vračilo ${v.refundId}.` },
        { facts: [...v.lines.map((l) => [l.description, f.money(l.amount)] as const), ['Vračilo', f.money(v.refund)]] },
        { p: `Znesek smo izračunali v skladu s točko ${v.clause} naših pogojev poslovanja; vsi odbitki so navedeni zgoraj.` },
        { p: `Nakazali ga bomo ${destinationText(v.destination, f)}, najpozneje do ${f.dateTime(v.payBy)}, in ga potrdili z dobropisom.` },
      ],
    }),
  },
});

export const refundPaid = defineTemplate({
  schema: letterVars.extend({
    refundId: id,
    paidAt: instant,
    refund: positiveAmount,
    creditNoteId: id,
    destination,
  }),
  letters: {
    en: (v, f) => ({
      subject: `Refund ${v.refundId} paid: ${f.money(v.refund)}`,
      blocks: [
        { p: `On ${f.date(v.paidAt)} we paid ${f.money(v.refund)} to ${destinationText(v.destination, f)}. Depending on your bank, it can take a few days to appear.` },
        { facts: [['Refund', v.refundId], ['Amount', f.money(v.refund)], ['Credit note', v.creditNoteId]] },
      ],
    }),
    sl: (v, f) => ({
      subject: `Vračilo ${v.refundId} nakazano: ${f.money(v.refund)}`,
      blocks: [
        { p: `Dne ${f.date(v.paidAt)} smo znesek ${f.money(v.refund)} nakazali ${destinationText(v.destination, f)}. Odvisno od vaše banke bo morda viden šele čez nekaj dni.` },
        { facts: [['Vračilo', v.refundId], ['Znesek', f.money(v.refund)], ['Dobropis', v.creditNoteId]] },
      ],
    }),
  },
});

const refundRejection = z.discriminatedUnion('code', [
  /** The request came after the policy's window (secom: 3 days after the end of the work). */
  z.object({ code: z.literal('window_expired'), windowEndedAt: instant }),
  /** Third-party services (domains, licences, SSL) and backup restoration are never refunded. */
  z.object({ code: z.literal('non_refundable_service') }),
  /** Suspended or terminated for a violation of the terms. */
  z.object({ code: z.literal('terms_violation') }),
  /** The deductions the terms require leave nothing to refund. */
  z.object({ code: z.literal('nothing_left'), deductions: amount }),
  /**
   * Staff refused the refund when asked to approve it; their stated reason is quoted verbatim, not
   * mapped to one of the coded policy reasons above (those are for rejections the policy decides).
   */
  z.object({ code: z.literal('staff_decision'), statedReason: text }),
]);

function rejectionReason(r: z.infer<typeof refundRejection>, requestedAt: string, f: Formatter): string {
  const sl = f.language === 'sl';
  switch (r.code) {
    case 'window_expired':
      return sl
        ? `Zahtevo za vračilo je bilo treba oddati do ${f.dateTime(r.windowEndedAt)}; vašo pa smo prejeli ${f.dateTime(requestedAt)}.`
        : `A refund request had to reach us by ${f.dateTime(r.windowEndedAt)}; yours arrived on ${f.dateTime(requestedAt)}.`;
    case 'non_refundable_service':
      return sl
        ? 'Storitve ne vračamo: gre za storitev tretje osebe, kupljeno prek nas (registracija ali podaljšanje domene, licenca, certifikat SSL), ali za obnovitev varnostne kopije.'
        : 'The service is one we do not refund: a third-party service bought through us (domain registration or renewal, licence, SSL certificate) or the restoration of a backup.';
    case 'terms_violation':
      return sl
        ? 'Storitev je bila začasno ustavljena ali odpovedana zaradi kršitve pogojev poslovanja, zato do vračila ni upravičena.'
        : 'The service was suspended or terminated for a violation of our terms, so it is not refunded.';
    case 'nothing_left':
      return sl
        ? `Odbitki, ki jih zahtevajo pogoji (${f.money(r.deductions)}), pokrijejo celoten znesek, zato za vračilo ne ostane nič.`
        : `The deductions the terms require (${f.money(r.deductions)}) cover the whole amount, so nothing is left to refund.`;
    case 'staff_decision':
      return sl ? `Zahtevo je pregledal naš sodelavec in jo zavrnil z utemeljitvijo: »${r.statedReason}«.` : `A member of our staff reviewed the request and declined it, stating: "${r.statedReason}".`;
  }
}

export const refundRejected = defineTemplate({
  schema: letterVars.extend({
    refundId: id,
    requestedAt: instant,
    reason: refundRejection,
    clause,
    /** A staff member's note, quoted as written. */
    note: text.optional(),
  }),
  letters: {
    en: (v, f) => ({
      subject: `Refund request ${v.refundId} declined`,
      blocks: [
        { p: `We reviewed your refund request ${v.refundId} and cannot approve it.` },
        { p: `${rejectionReason(v.reason, v.requestedAt, f)} This follows from clause ${v.clause} of our terms.` },
        v.note && { facts: [['Note', v.note]] },
        { p: whatYouCanDo(f) },
        {
          list: [
            'If you think we have misjudged your case, reply to this e-mail with the details and we will review it again.',
            'If you no longer want the service, you can cancel it so that it is not renewed.',
          ],
        },
      ],
    }),
    sl: (v, f) => ({
      subject: `Zahteva za vračilo ${v.refundId} je zavrnjena`,
      blocks: [
        { p: `Vašo zahtevo za vračilo ${v.refundId} smo pregledali in je ne moremo odobriti.` },
        { p: `${rejectionReason(v.reason, v.requestedAt, f)} Tako določa točka ${v.clause} naših pogojev poslovanja.` },
        v.note && { facts: [['Opomba', v.note]] },
        { p: whatYouCanDo(f) },
        {
          list: [
            'Če menite, da smo vaš primer napačno presodili, nam v odgovoru na to sporočilo pošljite podrobnosti in zahtevo bomo ponovno pregledali.',
            'Če storitve ne želite več, jo lahko odpoveste, da se ne bo podaljšala.',
          ],
        },
      ],
    }),
  },
});
