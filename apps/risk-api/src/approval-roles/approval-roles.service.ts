import { ConflictException, ForbiddenException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import {
  ApprovalAuthority,
  ApprovalRoleMemberRow,
  ApprovalRoleRow,
  ApprovalRolesRepository,
  AuthorityChangeAction,
  AuthorityChangeRow,
  isForeignKeyViolation,
} from '@credit/postgres';
import { Page } from '../http/paging';
import { numericCents } from '../holds/request-rules';
import { DATA_SOURCE } from '../tokens';
import {
  ApprovalRoleDto,
  ApprovalRoleMemberDto,
  AuthorityChangeDto,
  PutApprovalRoleBody,
} from './approval-roles.dto';

const roleDto = (row: ApprovalRoleRow): ApprovalRoleDto => ({
  companyId: row.companyId,
  name: row.name,
  maxExcess: row.maxExcess,
  mayReleaseOverdue: row.mayReleaseOverdue,
  maxLimit: row.maxLimit,
  memberCount: row.memberCount,
  createdBy: row.createdBy,
  createdAt: row.createdAt.toISOString(),
  updatedBy: row.updatedBy,
  updatedAt: row.updatedAt.toISOString(),
});

const memberDto = (row: ApprovalRoleMemberRow): ApprovalRoleMemberDto => ({
  companyId: row.companyId,
  roleName: row.roleName,
  userSubject: row.userSubject,
  assignedBy: row.assignedBy,
  assignedAt: row.assignedAt.toISOString(),
});

const changeDto = (row: AuthorityChangeRow): AuthorityChangeDto => ({
  changeId: row.changeId,
  companyId: row.companyId,
  changedBy: row.changedBy,
  changedAt: row.changedAt.toISOString(),
  action: row.action,
  roleName: row.roleName,
  userSubject: row.userSubject,
  before: row.before,
  after: row.after,
});

/** The authority the audit records (and compares). */
const authorityOf = (row: ApprovalAuthority): ApprovalAuthority => ({
  maxExcess: row.maxExcess,
  mayReleaseOverdue: row.mayReleaseOverdue,
  maxLimit: row.maxLimit,
});

const roleNotFound = (companyId: string, name: string) =>
  new NotFoundException(`approval role ${name} does not exist in company ${companyId}`);

/** Four eyes on authority: whoever grants the power to release holds must not be the one receiving it. */
const selfGrant = (companyId: string, name: string) =>
  new ForbiddenException(
    `you may not grant yourself approval authority: another admin must give you approval role ${name} ` +
      `in company ${companyId} or raise its authority`,
  );

/** True when the new authority lets its holders release more than before. */
function raisesAuthority(before: ApprovalAuthority, after: PutApprovalRoleBody): boolean {
  const higherExcess =
    before.maxExcess !== null &&
    (after.maxExcess === null || numericCents(after.maxExcess) > numericCents(before.maxExcess));
  const higherLimit =
    after.maxLimit !== undefined &&
    before.maxLimit !== null &&
    (after.maxLimit === null || numericCents(after.maxLimit) > numericCents(before.maxLimit));
  return higherExcess || higherLimit || (after.mayReleaseOverdue && !before.mayReleaseOverdue);
}

/** Approval roles, their members, and the audit of every change to them (authority_change). */
@Injectable()
export class ApprovalRolesService {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    private readonly roles: ApprovalRolesRepository,
  ) {}

  async list(
    companyId: string,
    page: { limit: number; offset: number },
    userSubject?: string,
  ): Promise<Page<ApprovalRoleDto>> {
    const { rows, total } = await this.roles.list(companyId, page, userSubject);
    return { items: rows.map(roleDto), total, ...page };
  }

  async get(companyId: string, name: string): Promise<ApprovalRoleDto> {
    const row = await this.roles.find(companyId, name);
    if (row === undefined) throw roleNotFound(companyId, name);
    return roleDto(row);
  }

  /** Creates or replaces a role; `created` tells which. Unchanged roles are not audited again. */
  async put(
    companyId: string,
    name: string,
    body: PutApprovalRoleBody,
    actor: string,
  ): Promise<{ role: ApprovalRoleDto; created: boolean }> {
    return this.db.transaction(async (m) => {
      const authority = { maxExcess: body.maxExcess, mayReleaseOverdue: body.mayReleaseOverdue };
      const inserted = await this.roles.insertIfAbsent(m, {
        companyId,
        name,
        actor,
        ...authority,
        maxLimit: body.maxLimit === undefined ? '0' : body.maxLimit,
      });
      if (inserted !== undefined) {
        await this.audit(m, companyId, actor, 'role.created', name, null, null, authorityOf(inserted));
        return { role: roleDto(inserted), created: true };
      }
      const before = await this.roles.lock(m, companyId, name, 'update');
      if (before === undefined) {
        throw new ConflictException(`approval role ${name} was deleted concurrently; retry the request`);
      }
      if (
        raisesAuthority(before, body) &&
        (await this.roles.member(companyId, name, actor, m)) !== undefined
      ) {
        throw selfGrant(companyId, name);
      }
      const after = await this.roles.updateIfChanged(m, {
        companyId,
        name,
        actor,
        ...authority,
        maxLimit: body.maxLimit === undefined ? before.maxLimit : body.maxLimit,
      });
      if (after !== undefined) {
        await this.audit(
          m,
          companyId,
          actor,
          'role.updated',
          name,
          null,
          authorityOf(before),
          authorityOf(after),
        );
      }
      const role = await this.roles.find(companyId, name, m);
      return { role: roleDto(role!), created: false };
    });
  }

  /** Deletes a role without members: 404 when unknown, 409 while someone holds it. */
  async delete(companyId: string, name: string, actor: string): Promise<void> {
    await this.db.transaction(async (m) => {
      const role = await this.roles.lock(m, companyId, name, 'update');
      if (role === undefined) throw roleNotFound(companyId, name);
      const members = await this.roles.memberCount(m, companyId, name);
      if (members > 0) {
        throw new ConflictException(
          `approval role ${name} is still held by ${members} user(s) in company ${companyId}; remove its members first`,
        );
      }
      await this.roles.delete(m, companyId, name);
      await this.audit(m, companyId, actor, 'role.deleted', name, null, authorityOf(role), null);
    });
  }

  async members(
    companyId: string,
    name: string,
    page: { limit: number; offset: number },
  ): Promise<Page<ApprovalRoleMemberDto>> {
    if ((await this.roles.find(companyId, name)) === undefined) throw roleNotFound(companyId, name);
    const { rows, total } = await this.roles.members(companyId, name, page);
    return { items: rows.map(memberDto), total, ...page };
  }

  async member(companyId: string, name: string, userSubject: string): Promise<ApprovalRoleMemberDto> {
    if ((await this.roles.find(companyId, name)) === undefined) throw roleNotFound(companyId, name);
    const row = await this.roles.member(companyId, name, userSubject);
    if (row === undefined) {
      throw new NotFoundException(
        `${userSubject} does not hold approval role ${name} in company ${companyId}`,
      );
    }
    return memberDto(row);
  }

  /** Assigns a role to a user (idempotent: `created` is false when already assigned). */
  async addMember(
    companyId: string,
    name: string,
    userSubject: string,
    actor: string,
  ): Promise<{ member: ApprovalRoleMemberDto; created: boolean }> {
    if (userSubject === actor) throw selfGrant(companyId, name);
    try {
      return await this.db.transaction(async (m) => {
        const role = await this.roles.lock(m, companyId, name, 'key share');
        if (role === undefined) throw roleNotFound(companyId, name);
        const inserted = await this.roles.insertMemberIfAbsent(m, {
          companyId,
          roleName: name,
          userSubject,
          assignedBy: actor,
        });
        if (inserted !== undefined) {
          await this.audit(m, companyId, actor, 'member.added', name, userSubject, null, {
            userSubject,
            roleName: name,
            ...authorityOf(role),
          });
          return { member: memberDto(inserted), created: true };
        }
        const existing = await this.roles.member(companyId, name, userSubject, m);
        return { member: memberDto(existing!), created: false };
      });
    } catch (error) {
      // the role was deleted between our check and the insert
      if (isForeignKeyViolation(error)) throw roleNotFound(companyId, name);
      throw error;
    }
  }

  async removeMember(companyId: string, name: string, userSubject: string, actor: string): Promise<void> {
    await this.db.transaction(async (m) => {
      const removed = await this.roles.deleteMember(m, companyId, name, userSubject);
      if (removed === undefined) {
        if ((await this.roles.find(companyId, name, m)) === undefined) throw roleNotFound(companyId, name);
        throw new NotFoundException(
          `${userSubject} does not hold approval role ${name} in company ${companyId}`,
        );
      }
      await this.audit(
        m,
        companyId,
        actor,
        'member.removed',
        name,
        userSubject,
        { userSubject, roleName: name, assignedBy: removed.assignedBy, assignedAt: removed.assignedAt },
        null,
      );
    });
  }

  async changes(
    companyId: string,
    page: { limit: number; offset: number },
  ): Promise<Page<AuthorityChangeDto>> {
    const { rows, total } = await this.roles.changes(companyId, page);
    return { items: rows.map(changeDto), total, ...page };
  }

  private audit(
    m: EntityManager,
    companyId: string,
    changedBy: string,
    action: AuthorityChangeAction,
    roleName: string,
    userSubject: string | null,
    before: unknown,
    after: unknown,
  ): Promise<void> {
    return this.roles.audit(m, { companyId, changedBy, action, roleName, userSubject, before, after });
  }
}
