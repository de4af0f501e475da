/**
 * The deterministic ids and keys of the order-activation lifecycle (ARCHITECTURE.md invariant 3): a
 * retried step, a redelivered webhook or a repeated start computes the same id and finds the record,
 * claim or token it made the first time.
 */
export const orderIds = {
  /** The order's first invoice; one per order, so the id follows from the order's. */
  invoice: (orderId: string) => `INV-${orderId}`,
  /** One service per order item. */
  service: (orderId: string, itemId: string) => `${orderId}-${itemId}`,
  /** Approval ids appear in staff URLs (`/staff/approvals/{approvalId}`), hence `:` rather than `#`. */
  reviewApproval: (orderId: string) => `order:${orderId}:review`,
  /** A staff decision after provisioning failed; a retry that fails again asks again, in the next round. */
  provisioningApproval: (serviceId: string, round: number) => `service:${serviceId}:provisioning:${round}`,
  /**
   * A provisioning command: one per round (staff-approved retry) and attempt (ASL Retry); also the key
   * of its waiting token. It comes back in the `provisioning.result` webhook, whose ids allow no `#`.
   */
  provisioningCommand: (serviceId: string, round: number, attempt: number) => `service:${serviceId}:provision:${round}.${attempt}`,
  /** Claimed by the first successful provisioning result of a service, so a success that lands late is not lost. */
  provisioned: (serviceId: string) => `service#${serviceId}#provisioned`,
  /**
   * Where WaitForPayment stores its token: the key the dunning workflow uses for an invoice's payment
   * wait, so the payment intake (recordPayment, owned by invoice-dunning) wakes whichever workflow
   * waits on the invoice without knowing which one it is.
   */
  paymentWait: (invoiceId: string) => `invoice#${invoiceId}#payment-wait`,
  /** The refund of what was paid for items the provider cancelled; also the name of its refund execution. */
  cancellationRefund: (orderId: string) => `RF-${orderId}`,
  /** A customer's once-only free trial of a product kind (smartape Annex 11 4.3). */
  freeTrial: (customerId: string, productKind: string) => `customer#${customerId}#free-trial#${productKind}`,
} as const;

/** Error names the provisioning intake fails a waiting item with; the ASL's Retry and Catch match on them. */
export const PROVISIONING_FAILED = 'ProvisioningFailedError';
export const PROVISIONING_REJECTED = 'ProvisioningRejectedError';
