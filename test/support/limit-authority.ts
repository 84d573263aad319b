import request from 'supertest';
import { INestApplication } from '@nestjs/common';
import { IsolatedStack } from './isolated-stack';
import { tokenFor } from './running-apps';

/** The approval role a test grants to let its users set any limit without a second approver. */
export const UNLIMITED_LIMIT_ROLE = 'test-unlimited-limits';

/**
 * Four eyes on limits (spec section 11): a credit-manager may set a limit
 * only up to the maxLimit of its approval roles; without any role every
 * change becomes a request. Tests about something else than four eyes grant
 * their users an approval role with maxLimit null (unlimited) and no hold
 * authority (maxExcess 0.00), given by a separate admin as the API requires.
 */
export async function grantUnlimitedLimitAuthority(
  api: INestApplication,
  stack: IsolatedStack,
  companyId: string,
  subjects: string[],
): Promise<void> {
  const admin = `Bearer ${tokenFor(stack, ['admin'], [companyId], 'limit-authority-admin')}`;
  const server = api.getHttpServer();
  const role = await request(server)
    .put(`/v1/companies/${companyId}/approval-roles/${UNLIMITED_LIMIT_ROLE}`)
    .set('Authorization', admin)
    .send({ maxExcess: '0.00', mayReleaseOverdue: false, maxLimit: null });
  if (![200, 201].includes(role.status))
    throw new Error(`approval role: ${role.status} ${JSON.stringify(role.body)}`);
  for (const subject of subjects) {
    const member = await request(server)
      .put(
        `/v1/companies/${companyId}/approval-roles/${UNLIMITED_LIMIT_ROLE}/members/${encodeURIComponent(subject)}`,
      )
      .set('Authorization', admin)
      .send({});
    if (![200, 201].includes(member.status)) {
      throw new Error(`approval role member ${subject}: ${member.status} ${JSON.stringify(member.body)}`);
    }
  }
}
