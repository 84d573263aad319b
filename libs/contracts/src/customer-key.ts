/**
 * `<companyId>:<customerId>`: the Kafka key of every input and output event of
 * a customer (so a customer's events share a partition), and the customer's key
 * in the state store. The one spelling of it.
 */
export const customerKey = (companyId: string, customerId: string): string => `${companyId}:${customerId}`;
