/** Withdrawal from a distance contract (POLICY-RULES.md §4). */
import { z } from 'zod';
import { defineTemplate } from './define';
import type { Formatter } from './format';
import { DAYS, WORKING_DAYS, whatYouCanDo } from './rules';
import { amount, clause, days, id, instant, letterVars, text } from './schemas';

export const withdrawalAccepted = defineTemplate({
  schema: letterVars.extend({
    withdrawalId: id,
    serviceName: text,
    contractConcludedAt: instant,
    acceptedAt: instant,
    paid: amount,
    /** The proportional charge for what was provided before the withdrawal, when the consumer consented to an early start. */
    charge: z.object({ amount, clause }).optional(),
    refund: amount,
    refundBy: instant,
    serviceEndsAt: instant,
  }),
  letters: {
    en: (v, f) => ({
      subject: `Your withdrawal from the contract for ${v.serviceName} is accepted`,
      blocks: [
        { p: `On ${f.date(v.acceptedAt)} we accepted your withdrawal (${v.withdrawalId}) from the contract for ${v.serviceName}, concluded on ${f.date(v.contractConcludedAt)}.` },
        {
          facts: [
            ['Paid', f.money(v.paid)],
            ...(v.charge ? [['Charge for the service provided until the withdrawal', f.money(v.charge.amount)] as const] : []),
            ['Refund', f.money(v.refund)],
            ['Refund paid by', f.dateTime(v.refundBy)],
          ],
        },
        v.charge && {
          p: `You asked us to start the service before the withdrawal period ended, so under clause ${v.charge.clause} of our terms you owe the reasonable cost of what was provided until the withdrawal: ${f.money(v.charge.amount)}.`,
        },
        { p: `The service ends on ${f.dateTime(v.serviceEndsAt)}.` },
      ],
    }),
    sl: (v, f) => ({
      subject: `Vaš odstop od pogodbe za storitev ${v.serviceName} je sprejet`,
      blocks: [
        { p: `Dne ${f.date(v.acceptedAt)} smo sprejeli vaš odstop (${v.withdrawalId}) od pogodbe za storitev ${v.serviceName}, sklenjene ${f.date(v.contractConcludedAt)}.` },
        {
          facts: [
            ['Plačano', f.money(v.paid)],
            ...(v.charge ? [['Nadomestilo za storitev, opravljeno do odstopa', f.money(v.charge.amount)] as const] : []),
            ['Vračilo', f.money(v.refund)],
            ['Vračilo nakažemo do', f.dateTime(v.refundBy)],
          ],
        },
        v.charge && {
          p: `Ker ste zahtevali, da storitev začnemo izvajati pred iztekom roka za odstop, nam v skladu s točko ${v.charge.clause} naših pogojev poslovanja dolgujete sorazmerno nadomestilo za storitev, opravljeno do odstopa: ${f.money(v.charge.amount)}.`,
        },
        { p: `Storitev preneha ${f.dateTime(v.serviceEndsAt)}.` },
      ],
    }),
  },
});

const withdrawalRejection = z.discriminatedUnion('code', [
  z.object({ code: z.literal('not_consumer') }),
  z.object({ code: z.literal('period_expired'), periodDays: days, periodEndedAt: instant }),
  /** Made to the customer's specification, or software whose seal was broken. */
  z.object({ code: z.literal('excluded_item') }),
  /** A staff member reviewed the request and refused it; their stated reason, quoted as written. */
  // As long as a staff decision's reason may be (functions/http/schemas/staff.ts), so no decision fails to render.
  z.object({ code: z.literal('staff_decision'), statement: z.string().trim().min(1).max(2000) }),
  /** The provider's terms have no withdrawal clause; what the law may grant is left to a staff review. */
  z.object({ code: z.literal('no_contractual_right') }),
]);

function rejectionReason(r: z.infer<typeof withdrawalRejection>, requestedAt: string, f: Formatter): string {
  const sl = f.language === 'sl';
  switch (r.code) {
    case 'not_consumer':
      return sl
        ? 'Pravica do odstopa pripada le potrošnikom, pogodbo pa je sklenil poslovni subjekt.'
        : 'Only consumers have the right of withdrawal, and the contract was concluded by a business.';
    case 'period_expired':
      return sl
        ? `Potrošnik lahko od pogodbe odstopi v ${f.plural(r.periodDays, { one: 'dnevu', other: 'dneh' })} od njene sklenitve, torej do ${f.dateTime(r.periodEndedAt)}; vašo zahtevo smo prejeli ${f.dateTime(requestedAt)}.`
        : `A consumer may withdraw within ${f.plural(r.periodDays, DAYS.en)} of concluding the contract, that is by ${f.dateTime(r.periodEndedAt)}; your request arrived on ${f.dateTime(requestedAt)}.`;
    case 'excluded_item':
      return sl
        ? 'Storitev je izvzeta iz pravice do odstopa, ker je bila izdelana po vaših navodilih ali gre za programsko opremo, ki je bila odpečatena.'
        : 'The service is excluded from the right of withdrawal because it was made to your specification or is software that has been unsealed.';
    case 'staff_decision':
      return sl
        ? `Naš sodelavec je vašo zahtevo pregledal in jo zavrnil z obrazložitvijo: »${r.statement}«.`
        : `Our staff reviewed your request and refused it, stating: “${r.statement}”.`;
    case 'no_contractual_right':
      return sl
        ? 'Naši pogoji poslovanja za to storitev ne predvidevajo pravice do odstopa od pogodbe, zato zahteve ne moremo obravnavati kot odstop. Če menite, da vam to pravico daje zakon, odgovorite na to sporočilo in zahtevo bo pregledal naš sodelavec.'
        : 'Our terms provide no right of withdrawal for this service, so we cannot process the request as a withdrawal. If you believe the law gives you this right, reply to this e-mail and a member of our staff will review it.';
  }
}

export const withdrawalRejected = defineTemplate({
  schema: letterVars.extend({
    withdrawalId: id,
    serviceName: text,
    requestedAt: instant,
    reason: withdrawalRejection,
    clause,
    /** Cancelling instead: the notice the terms ask for; absent when they set none. */
    cancellation: z.object({ clause, noticeWorkingDays: days }).optional(),
  }),
  letters: {
    en: (v, f) => ({
      subject: `Your withdrawal request for ${v.serviceName} cannot be accepted`,
      blocks: [
        { p: `We reviewed your request ${v.withdrawalId} to withdraw from the contract for ${v.serviceName} and cannot accept it.` },
        { p: v.reason.code === 'no_contractual_right' ? rejectionReason(v.reason, v.requestedAt, f) : `${rejectionReason(v.reason, v.requestedAt, f)} This follows from clause ${v.clause} of our terms.` },
        { p: whatYouCanDo(f) },
        {
          list: [
            v.cancellation
              ? `Cancel the service instead: give us notice at least ${f.plural(v.cancellation.noticeWorkingDays, WORKING_DAYS.en)} ahead (clause ${v.cancellation.clause} of our terms); the contract ends when the service is deactivated.`
              : `Cancel the service instead: write to ${v.provider.supportEmail} and we will deactivate it.`,
            'If you think we have misjudged your request, reply to this e-mail with the details.',
          ],
        },
      ],
    }),
    sl: (v, f) => ({
      subject: `Vašega odstopa od pogodbe za storitev ${v.serviceName} ne moremo sprejeti`,
      blocks: [
        { p: `Vašo zahtevo ${v.withdrawalId} za odstop od pogodbe za storitev ${v.serviceName} smo pregledali in je ne moremo sprejeti.` },
        { p: v.reason.code === 'no_contractual_right' ? rejectionReason(v.reason, v.requestedAt, f) : `${rejectionReason(v.reason, v.requestedAt, f)} Tako določa točka ${v.clause} naših pogojev poslovanja.` },
        { p: whatYouCanDo(f) },
        {
          list: [
            v.cancellation
              ? `Storitev lahko namesto tega odpoveste: odpoved nam sporočite vsaj ${f.plural(v.cancellation.noticeWorkingDays, WORKING_DAYS.sl)} vnaprej (točka ${v.cancellation.clause} naših pogojev poslovanja); pogodba preneha, ko storitev deaktiviramo.`
              : `Storitev lahko namesto tega odpoveste: pišite nam na ${v.provider.supportEmail} in jo bomo deaktivirali.`,
            'Če menite, da smo vašo zahtevo napačno presodili, nam v odgovoru na to sporočilo pošljite podrobnosti.',
          ],
        },
      ],
    }),
  },
});
