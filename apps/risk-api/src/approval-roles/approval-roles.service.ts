import { ConflictException, ForbiddenException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { Page } from '../http/paging';
import { numericCents } from '../holds/request-rules';
import { DATA_SOURCE } from '../tokens';
import {
  ApprovalRoleDto,
  ApprovalRoleMemberDto,
  AuthorityChangeDto,
  PutApprovalRoleBody,
} from './approval-roles.dto';

interface RoleRow {
  company_id: string;
  name: string;
  max_excess: string | null;
  may_release_overdue: boolean;
  max_limit: string | null;
  created_by: string;
  created_at: Date;
  updated_by: string;
  updated_at: Date;
  member_count?: string | number;
}

interface MemberRow {
  company_id: string;
  role_name: string;
  user_subject: string;
  assigned_by: string;
  assigned_at: Date;
}

interface ChangeRow {
  change_id: string;
  company_id: string;
  changed_by: string;
  changed_at: Date;
  action: string;
  role_name: string;
  user_subject: string | null;
  before: unknown;
  after: unknown;
}

type ChangeAction = 'role.created' | 'role.updated' | 'role.deleted' | 'member.added' | 'member.removed';

const roleDto = (row: RoleRow): ApprovalRoleDto => ({
  companyId: row.company_id,
  name: row.name,
  maxExcess: row.max_excess,
  mayReleaseOverdue: row.may_release_overdue,
  maxLimit: row.max_limit,
  memberCount: Number(row.member_count ?? 0),
  createdBy: row.created_by,
  createdAt: row.created_at.toISOString(),
  updatedBy: row.updated_by,
  updatedAt: row.updated_at.toISOString(),
});

const memberDto = (row: MemberRow): ApprovalRoleMemberDto => ({
  companyId: row.company_id,
  roleName: row.role_name,
  userSubject: row.user_subject,
  assignedBy: row.assigned_by,
  assignedAt: row.assigned_at.toISOString(),
});

const changeDto = (row: ChangeRow): AuthorityChangeDto => ({
  changeId: String(row.change_id),
  companyId: row.company_id,
  changedBy: row.changed_by,
  changedAt: row.changed_at.toISOString(),
  action: row.action,
  roleName: row.role_name,
  userSubject: row.user_subject,
  before: row.before,
  after: row.after,
});

const authorityOf = (row: RoleRow) => ({
  maxExcess: row.max_excess,
  mayReleaseOverdue: row.may_release_overdue,
  maxLimit: row.max_limit,
});

const ROLE_COLUMNS = `r.company_id, r.name, r.max_excess, r.may_release_overdue, r.max_limit, r.created_by, r.created_at,
  r.updated_by, r.updated_at,
  (SELECT count(*) FROM approval_role_member m WHERE m.company_id = r.company_id AND m.role_name = r.name)
    AS member_count`;

const roleNotFound = (companyId: string, name: string) =>
  new NotFoundException(`approval role ${name} does not exist in company ${companyId}`);

/** Four eyes on authority: whoever grants the power to release holds must not be the one receiving it. */
const selfGrant = (companyId: string, name: string) =>
  new ForbiddenException(
    `you may not grant yourself approval authority: another admin must give you approval role ${name} ` +
      `in company ${companyId} or raise its authority`,
  );

/** True when the new authority lets its holders release more than before. */
function raisesAuthority(before: RoleRow, after: PutApprovalRoleBody): boolean {
  const higherExcess =
    before.max_excess !== null &&
    (after.maxExcess === null || numericCents(after.maxExcess) > numericCents(before.max_excess));
  const higherLimit =
    after.maxLimit !== undefined &&
    before.max_limit !== null &&
    (after.maxLimit === null || numericCents(after.maxLimit) > numericCents(before.max_limit));
  return higherExcess || higherLimit || (after.mayReleaseOverdue && !before.may_release_overdue);
}

const isForeignKeyViolation = (error: unknown): boolean =>
  error instanceof QueryFailedError && (error.driverError as { code?: string } | undefined)?.code === '23503';

/** Approval roles, their members, and the audit of every change to them (authority_change). */
@Injectable()
export class ApprovalRolesService {
  constructor(@Inject(DATA_SOURCE) private readonly db: DataSource) {}

  async list(
    companyId: string,
    page: { limit: number; offset: number },
    userSubject?: string,
  ): Promise<Page<ApprovalRoleDto>> {
    const params: unknown[] = [companyId];
    let where = 'r.company_id = $1';
    if (userSubject !== undefined) {
      params.push(userSubject);
      where += ` AND EXISTS (SELECT 1 FROM approval_role_member m WHERE m.company_id = r.company_id
        AND m.role_name = r.name AND m.user_subject = $${params.length})`;
    }
    const [{ total }] = await this.db.query(
      `SELECT count(*)::int AS total FROM approval_role r WHERE ${where}`,
      params,
    );
    const rows: RoleRow[] = await this.db.query(
      `SELECT ${ROLE_COLUMNS} FROM approval_role r WHERE ${where}
        ORDER BY r.name LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, page.limit, page.offset],
    );
    return { items: rows.map(roleDto), total, ...page };
  }

  async get(companyId: string, name: string): Promise<ApprovalRoleDto> {
    const row = await this.findRole(this.db.manager, companyId, name);
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
      const inserted: RoleRow[] = await m.query(
        `INSERT INTO approval_role (company_id, name, max_excess, may_release_overdue, max_limit, created_by,
             updated_by)
           VALUES ($1, $2, $3, $4, $6, $5, $5)
           ON CONFLICT (company_id, name) DO NOTHING
           RETURNING *`,
        [
          companyId,
          name,
          body.maxExcess,
          body.mayReleaseOverdue,
          actor,
          body.maxLimit === undefined ? '0' : body.maxLimit,
        ],
      );
      if (inserted.length === 1) {
        await this.audit(m, companyId, actor, 'role.created', name, null, null, authorityOf(inserted[0]));
        return { role: roleDto(inserted[0]), created: true };
      }
      const [before]: RoleRow[] = await m.query(
        `SELECT * FROM approval_role WHERE company_id = $1 AND name = $2 FOR UPDATE`,
        [companyId, name],
      );
      if (before === undefined) {
        throw new ConflictException(`approval role ${name} was deleted concurrently; retry the request`);
      }
      if (raisesAuthority(before, body) && (await this.holds(m, companyId, name, actor))) {
        throw selfGrant(companyId, name);
      }
      // TypeORM answers an UPDATE / DELETE … RETURNING with [rows, affected]
      const [[after]]: [RoleRow[], number] = await m.query(
        `UPDATE approval_role SET max_excess = $3, may_release_overdue = $4, max_limit = $6::numeric,
             updated_by = $5, updated_at = now()
           WHERE company_id = $1 AND name = $2
             AND (max_excess IS DISTINCT FROM $3::numeric OR may_release_overdue IS DISTINCT FROM $4
               OR max_limit IS DISTINCT FROM $6::numeric)
           RETURNING *`,
        [
          companyId,
          name,
          body.maxExcess,
          body.mayReleaseOverdue,
          actor,
          body.maxLimit === undefined ? before.max_limit : body.maxLimit,
        ],
      );
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
      const role = await this.findRole(m, companyId, name);
      return { role: roleDto(role!), created: false };
    });
  }

  /** Deletes a role without members: 404 when unknown, 409 while someone holds it. */
  async delete(companyId: string, name: string, actor: string): Promise<void> {
    await this.db.transaction(async (m) => {
      const [role]: RoleRow[] = await m.query(
        `SELECT * FROM approval_role WHERE company_id = $1 AND name = $2 FOR UPDATE`,
        [companyId, name],
      );
      if (role === undefined) throw roleNotFound(companyId, name);
      const [{ members }] = await m.query(
        `SELECT count(*)::int AS members FROM approval_role_member WHERE company_id = $1 AND role_name = $2`,
        [companyId, name],
      );
      if (members > 0) {
        throw new ConflictException(
          `approval role ${name} is still held by ${members} user(s) in company ${companyId}; remove its members first`,
        );
      }
      await m.query(`DELETE FROM approval_role WHERE company_id = $1 AND name = $2`, [companyId, name]);
      await this.audit(m, companyId, actor, 'role.deleted', name, null, authorityOf(role), null);
    });
  }

  async members(
    companyId: string,
    name: string,
    page: { limit: number; offset: number },
  ): Promise<Page<ApprovalRoleMemberDto>> {
    if ((await this.findRole(this.db.manager, companyId, name)) === undefined)
      throw roleNotFound(companyId, name);
    const [{ total }] = await this.db.query(
      `SELECT count(*)::int AS total FROM approval_role_member WHERE company_id = $1 AND role_name = $2`,
      [companyId, name],
    );
    const rows: MemberRow[] = await this.db.query(
      `SELECT * FROM approval_role_member WHERE company_id = $1 AND role_name = $2
         ORDER BY user_subject LIMIT $3 OFFSET $4`,
      [companyId, name, page.limit, page.offset],
    );
    return { items: rows.map(memberDto), total, ...page };
  }

  async member(companyId: string, name: string, userSubject: string): Promise<ApprovalRoleMemberDto> {
    if ((await this.findRole(this.db.manager, companyId, name)) === undefined)
      throw roleNotFound(companyId, name);
    const [row]: MemberRow[] = await this.db.query(
      `SELECT * FROM approval_role_member WHERE company_id = $1 AND role_name = $2 AND user_subject = $3`,
      [companyId, name, userSubject],
    );
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
        const [role]: RoleRow[] = await m.query(
          `SELECT * FROM approval_role WHERE company_id = $1 AND name = $2 FOR KEY SHARE`,
          [companyId, name],
        );
        if (role === undefined) throw roleNotFound(companyId, name);
        const inserted: MemberRow[] = await m.query(
          `INSERT INTO approval_role_member (company_id, user_subject, role_name, assigned_by)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (company_id, user_subject, role_name) DO NOTHING
             RETURNING *`,
          [companyId, userSubject, name, actor],
        );
        if (inserted.length === 1) {
          await this.audit(m, companyId, actor, 'member.added', name, userSubject, null, {
            userSubject,
            roleName: name,
            ...authorityOf(role),
          });
          return { member: memberDto(inserted[0]), created: true };
        }
        const [existing]: MemberRow[] = await m.query(
          `SELECT * FROM approval_role_member WHERE company_id = $1 AND role_name = $2 AND user_subject = $3`,
          [companyId, name, userSubject],
        );
        return { member: memberDto(existing), created: false };
      });
    } catch (error) {
      // the role was deleted between our check and the insert
      if (isForeignKeyViolation(error)) throw roleNotFound(companyId, name);
      throw error;
    }
  }

  async removeMember(companyId: string, name: string, userSubject: string, actor: string): Promise<void> {
    await this.db.transaction(async (m) => {
      const [[removed]]: [MemberRow[], number] = await m.query(
        `DELETE FROM approval_role_member WHERE company_id = $1 AND role_name = $2 AND user_subject = $3
           RETURNING *`,
        [companyId, name, userSubject],
      );
      if (removed === undefined) {
        if ((await this.findRole(m, companyId, name)) === undefined) throw roleNotFound(companyId, name);
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
        { userSubject, roleName: name, assignedBy: removed.assigned_by, assignedAt: removed.assigned_at },
        null,
      );
    });
  }

  async changes(
    companyId: string,
    page: { limit: number; offset: number },
  ): Promise<Page<AuthorityChangeDto>> {
    const [{ total }] = await this.db.query(
      `SELECT count(*)::int AS total FROM authority_change WHERE company_id = $1`,
      [companyId],
    );
    const rows: ChangeRow[] = await this.db.query(
      `SELECT * FROM authority_change WHERE company_id = $1 ORDER BY change_id DESC LIMIT $2 OFFSET $3`,
      [companyId, page.limit, page.offset],
    );
    return { items: rows.map(changeDto), total, ...page };
  }

  /** Whether the user holds the role (read in the caller's transaction). */
  private async holds(
    m: EntityManager,
    companyId: string,
    name: string,
    userSubject: string,
  ): Promise<boolean> {
    const rows: unknown[] = await m.query(
      `SELECT 1 FROM approval_role_member WHERE company_id = $1 AND role_name = $2 AND user_subject = $3`,
      [companyId, name, userSubject],
    );
    return rows.length > 0;
  }

  private async findRole(m: EntityManager, companyId: string, name: string): Promise<RoleRow | undefined> {
    const [row]: RoleRow[] = await m.query(
      `SELECT ${ROLE_COLUMNS} FROM approval_role r WHERE r.company_id = $1 AND r.name = $2`,
      [companyId, name],
    );
    return row;
  }

  private async audit(
    m: EntityManager,
    companyId: string,
    actor: string,
    action: ChangeAction,
    roleName: string,
    userSubject: string | null,
    before: unknown,
    after: unknown,
  ): Promise<void> {
    await m.query(
      `INSERT INTO authority_change (company_id, changed_by, action, role_name, user_subject, before, after)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb)`,
      [
        companyId,
        actor,
        action,
        roleName,
        userSubject,
        before === null ? null : JSON.stringify(before),
        after === null ? null : JSON.stringify(after),
      ],
    );
  }
}
