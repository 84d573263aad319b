import { DataSource, EntityManager } from 'typeorm';
import { returnedRows } from './pg-errors';

/** What an approval role lets its holders do; money as numeric strings, null for unlimited. */
export interface ApprovalAuthority {
  maxExcess: string | null;
  mayReleaseOverdue: boolean;
  /** The highest credit limit its holders may set (section 11); null for unlimited. */
  maxLimit: string | null;
}

/** A row of `approval_role` (migration 1763800000030) with its number of members. */
export interface ApprovalRoleRow extends ApprovalAuthority {
  companyId: string;
  name: string;
  memberCount: number;
  createdBy: string;
  createdAt: Date;
  updatedBy: string;
  updatedAt: Date;
}

export interface ApprovalRoleMemberRow {
  companyId: string;
  roleName: string;
  userSubject: string;
  assignedBy: string;
  assignedAt: Date;
}

export type AuthorityChangeAction =
  'role.created' | 'role.updated' | 'role.deleted' | 'member.added' | 'member.removed';

/** A row of `authority_change`: the audit of every change to roles and members. */
export interface AuthorityChangeRow {
  changeId: string;
  companyId: string;
  changedBy: string;
  changedAt: Date;
  action: AuthorityChangeAction;
  roleName: string;
  userSubject: string | null;
  before: unknown;
  after: unknown;
}

/** One role a user holds, as a hold decision weighs it. */
export interface ApprovalGrantRow {
  name: string;
  maxExcess: string | null;
  mayReleaseOverdue: boolean;
}

interface RawRole {
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

interface RawMember {
  company_id: string;
  role_name: string;
  user_subject: string;
  assigned_by: string;
  assigned_at: Date;
}

interface RawChange {
  change_id: string;
  company_id: string;
  changed_by: string;
  changed_at: Date;
  action: AuthorityChangeAction;
  role_name: string;
  user_subject: string | null;
  before: unknown;
  after: unknown;
}

const roleRow = (r: RawRole): ApprovalRoleRow => ({
  companyId: r.company_id,
  name: r.name,
  maxExcess: r.max_excess,
  mayReleaseOverdue: r.may_release_overdue,
  maxLimit: r.max_limit,
  memberCount: Number(r.member_count ?? 0),
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedBy: r.updated_by,
  updatedAt: r.updated_at,
});

const memberRow = (r: RawMember): ApprovalRoleMemberRow => ({
  companyId: r.company_id,
  roleName: r.role_name,
  userSubject: r.user_subject,
  assignedBy: r.assigned_by,
  assignedAt: r.assigned_at,
});

const changeRow = (r: RawChange): AuthorityChangeRow => ({
  changeId: String(r.change_id),
  companyId: r.company_id,
  changedBy: r.changed_by,
  changedAt: r.changed_at,
  action: r.action,
  roleName: r.role_name,
  userSubject: r.user_subject,
  before: r.before,
  after: r.after,
});

const ROLE_COLUMNS = `r.company_id, r.name, r.max_excess, r.may_release_overdue, r.max_limit, r.created_by, r.created_at,
  r.updated_by, r.updated_at,
  (SELECT count(*) FROM approval_role_member m WHERE m.company_id = r.company_id AND m.role_name = r.name)
    AS member_count`;

type Page = { limit: number; offset: number };

/**
 * Approval roles, their members and the audit of every change to them
 * (authority_change). Writes take the caller's EntityManager, so a change and
 * its audit row commit together.
 */
export class ApprovalRolesRepository {
  constructor(private readonly db: DataSource) {}

  /** The company's roles by name; only those `userSubject` holds when given. */
  async list(
    companyId: string,
    page: Page,
    userSubject?: string,
  ): Promise<{ rows: ApprovalRoleRow[]; total: number }> {
    const params: unknown[] = [companyId];
    let where = 'r.company_id = $1';
    if (userSubject !== undefined) {
      params.push(userSubject);
      where += ` AND EXISTS (SELECT 1 FROM approval_role_member m WHERE m.company_id = r.company_id
        AND m.role_name = r.name AND m.user_subject = $${params.length})`;
    }
    const [{ total }]: { total: number }[] = await this.db.query(
      `SELECT count(*)::int AS total FROM approval_role r WHERE ${where}`,
      params,
    );
    const rows: RawRole[] = await this.db.query(
      `SELECT ${ROLE_COLUMNS} FROM approval_role r WHERE ${where}
        ORDER BY r.name LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, page.limit, page.offset],
    );
    return { rows: rows.map(roleRow), total };
  }

  async find(
    companyId: string,
    name: string,
    m: EntityManager = this.db.manager,
  ): Promise<ApprovalRoleRow | undefined> {
    const [row]: RawRole[] = await m.query(
      `SELECT ${ROLE_COLUMNS} FROM approval_role r WHERE r.company_id = $1 AND r.name = $2`,
      [companyId, name],
    );
    return row === undefined ? undefined : roleRow(row);
  }

  /**
   * The role, locked for the caller's transaction: `update` to change or
   * delete it, `key share` to add a member while nobody deletes it.
   */
  async lock(
    m: EntityManager,
    companyId: string,
    name: string,
    mode: 'update' | 'key share',
  ): Promise<ApprovalRoleRow | undefined> {
    const [row]: RawRole[] = await m.query(
      `SELECT * FROM approval_role WHERE company_id = $1 AND name = $2 FOR ${mode === 'update' ? 'UPDATE' : 'KEY SHARE'}`,
      [companyId, name],
    );
    return row === undefined ? undefined : roleRow(row);
  }

  /** Creates the role unless it exists; undefined when it did. */
  async insertIfAbsent(
    m: EntityManager,
    role: { companyId: string; name: string; actor: string } & ApprovalAuthority,
  ): Promise<ApprovalRoleRow | undefined> {
    const [row]: RawRole[] = await m.query(
      `INSERT INTO approval_role (company_id, name, max_excess, may_release_overdue, max_limit, created_by,
           updated_by)
         VALUES ($1, $2, $3, $4, $6, $5, $5)
         ON CONFLICT (company_id, name) DO NOTHING
         RETURNING *`,
      [role.companyId, role.name, role.maxExcess, role.mayReleaseOverdue, role.actor, role.maxLimit],
    );
    return row === undefined ? undefined : roleRow(row);
  }

  /** Sets the role's authority; undefined when it was already that (nothing changed). */
  async updateIfChanged(
    m: EntityManager,
    role: { companyId: string; name: string; actor: string } & ApprovalAuthority,
  ): Promise<ApprovalRoleRow | undefined> {
    const [row] = returnedRows<RawRole>(
      await m.query(
        `UPDATE approval_role SET max_excess = $3, may_release_overdue = $4, max_limit = $6::numeric,
             updated_by = $5, updated_at = now()
           WHERE company_id = $1 AND name = $2
             AND (max_excess IS DISTINCT FROM $3::numeric OR may_release_overdue IS DISTINCT FROM $4
               OR max_limit IS DISTINCT FROM $6::numeric)
           RETURNING *`,
        [role.companyId, role.name, role.maxExcess, role.mayReleaseOverdue, role.actor, role.maxLimit],
      ),
    );
    return row === undefined ? undefined : roleRow(row);
  }

  async delete(m: EntityManager, companyId: string, name: string): Promise<void> {
    await m.query(`DELETE FROM approval_role WHERE company_id = $1 AND name = $2`, [companyId, name]);
  }

  async memberCount(m: EntityManager, companyId: string, name: string): Promise<number> {
    const [{ members }]: { members: number }[] = await m.query(
      `SELECT count(*)::int AS members FROM approval_role_member WHERE company_id = $1 AND role_name = $2`,
      [companyId, name],
    );
    return members;
  }

  async members(
    companyId: string,
    name: string,
    page: Page,
  ): Promise<{ rows: ApprovalRoleMemberRow[]; total: number }> {
    const [{ total }]: { total: number }[] = await this.db.query(
      `SELECT count(*)::int AS total FROM approval_role_member WHERE company_id = $1 AND role_name = $2`,
      [companyId, name],
    );
    const rows: RawMember[] = await this.db.query(
      `SELECT * FROM approval_role_member WHERE company_id = $1 AND role_name = $2
         ORDER BY user_subject LIMIT $3 OFFSET $4`,
      [companyId, name, page.limit, page.offset],
    );
    return { rows: rows.map(memberRow), total };
  }

  async member(
    companyId: string,
    name: string,
    userSubject: string,
    m: EntityManager = this.db.manager,
  ): Promise<ApprovalRoleMemberRow | undefined> {
    const [row]: RawMember[] = await m.query(
      `SELECT * FROM approval_role_member WHERE company_id = $1 AND role_name = $2 AND user_subject = $3`,
      [companyId, name, userSubject],
    );
    return row === undefined ? undefined : memberRow(row);
  }

  /** Assigns the role unless the user holds it; undefined when they did. */
  async insertMemberIfAbsent(
    m: EntityManager,
    member: { companyId: string; roleName: string; userSubject: string; assignedBy: string },
  ): Promise<ApprovalRoleMemberRow | undefined> {
    const [row]: RawMember[] = await m.query(
      `INSERT INTO approval_role_member (company_id, user_subject, role_name, assigned_by)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (company_id, user_subject, role_name) DO NOTHING
         RETURNING *`,
      [member.companyId, member.userSubject, member.roleName, member.assignedBy],
    );
    return row === undefined ? undefined : memberRow(row);
  }

  /** Removes the assignment; undefined when the user did not hold the role. */
  async deleteMember(
    m: EntityManager,
    companyId: string,
    name: string,
    userSubject: string,
  ): Promise<ApprovalRoleMemberRow | undefined> {
    const [row] = returnedRows<RawMember>(
      await m.query(
        `DELETE FROM approval_role_member WHERE company_id = $1 AND role_name = $2 AND user_subject = $3
           RETURNING *`,
        [companyId, name, userSubject],
      ),
    );
    return row === undefined ? undefined : memberRow(row);
  }

  /** The roles a user holds in a company, with their authority (read in the caller's transaction). */
  async grantsOf(m: EntityManager, companyId: string, userSubject: string): Promise<ApprovalGrantRow[]> {
    const rows: { name: string; max_excess: string | null; may_release_overdue: boolean }[] = await m.query(
      `SELECT r.name, r.max_excess, r.may_release_overdue
         FROM approval_role_member mb
         JOIN approval_role r ON r.company_id = mb.company_id AND r.name = mb.role_name
        WHERE mb.company_id = $1 AND mb.user_subject = $2`,
      [companyId, userSubject],
    );
    return rows.map((r) => ({
      name: r.name,
      maxExcess: r.max_excess,
      mayReleaseOverdue: r.may_release_overdue,
    }));
  }

  async changes(companyId: string, page: Page): Promise<{ rows: AuthorityChangeRow[]; total: number }> {
    const [{ total }]: { total: number }[] = await this.db.query(
      `SELECT count(*)::int AS total FROM authority_change WHERE company_id = $1`,
      [companyId],
    );
    const rows: RawChange[] = await this.db.query(
      `SELECT * FROM authority_change WHERE company_id = $1 ORDER BY change_id DESC LIMIT $2 OFFSET $3`,
      [companyId, page.limit, page.offset],
    );
    return { rows: rows.map(changeRow), total };
  }

  async audit(m: EntityManager, change: Omit<AuthorityChangeRow, 'changeId' | 'changedAt'>): Promise<void> {
    await m.query(
      `INSERT INTO authority_change (company_id, changed_by, action, role_name, user_subject, before, after)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb)`,
      [
        change.companyId,
        change.changedBy,
        change.action,
        change.roleName,
        change.userSubject,
        change.before === null ? null : JSON.stringify(change.before),
        change.after === null ? null : JSON.stringify(change.after),
      ],
    );
  }
}
