//! Roles, data scopes and permissions.
//!
//! A user's role decides *what* they may do ([`Role::can`]) and *which
//! records* it applies to ([`Role::scope`]).

use serde::{Deserialize, Serialize};

/// The role of a platform user.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Platform administrator (平台管理员).
    Admin,
    /// Leader of the management committee (管委会领导).
    Leader,
    /// Staff of a functional department (职能部门).
    Department,
    /// Member of an industry task force (产业专班).
    TaskForce,
    /// Party-building worker (党建工作者).
    PartyWorker,
    /// Party-building instructor assigned to organisations (党建指导员).
    Instructor,
    /// Chief service officer assigned to enterprises (首席服务官).
    ServiceOfficer,
    /// Technology-transfer broker (科创经纪人).
    Broker,
    /// Enterprise user, acting for their own organisation (企业用户).
    Enterprise,
    /// Individual talent (人才).
    Talent,
}

/// Which records a role's permissions apply to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScopeKind {
    /// Every record (全部).
    All,
    /// Records of the user's department and its sub-departments (本部门及下级).
    DepartmentTree,
    /// Records of the user's department only (本部门).
    Department,
    /// Records of the user's own organisation (本单位).
    OwnOrg,
    /// The user's own records only (本人).
    SelfOnly,
    /// Every record, except that cases are only those of the firms the user
    /// serves (a chief service officer's, an assistant's or an instructor's
    /// assigned firms; the firms of a broker's leads) and those the user
    /// submitted (本人联系的企业).
    Served,
}

/// An action guarded by the permission check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// View organisations.
    OrgsRead,
    /// Create and edit organisations.
    OrgsWrite,
    /// Bulk-import organisations (Excel).
    OrgsImport,
    /// View departments.
    DepartmentsRead,
    /// Create and edit departments.
    DepartmentsWrite,
    /// View industry chains.
    ChainsRead,
    /// Create and edit industry chains.
    ChainsWrite,
    /// View the work calendar.
    CalendarRead,
    /// Edit the work calendar.
    CalendarWrite,
    /// Manage user accounts.
    UsersAdmin,
    /// View the audit log.
    AuditRead,
    /// View cases (within scope).
    CasesRead,
    /// Receive a case (enterprise portal, staff entry after a visit or call).
    CasesCreate,
    /// Triage and dispatch: decline, merge, dispatch (acceptance desk, task force).
    CasesTriage,
    /// Handle department tasks, suspend/resume, reply (the task's own department).
    CasesHandle,
    /// Rate the reply (the enterprise that raised the case).
    CasesRate,
    /// Raise supervision orders, record accountability interviews, see the board.
    CasesSupervise,
    /// Edit case categories, their routing and time limits.
    CasesAdmin,
    /// View transfer projects, funding programmes and technology contracts.
    TransferRead,
    /// Work transfer projects through their gates; register technology contracts.
    TransferWrite,
    /// Run the funding programmes: fund pools, grant-to-equity, loan tiers and
    /// loans. Held by the department role, in force only for a department
    /// that runs funding (资金业务, the science bureau) and for administrators.
    FundingWrite,
    /// As an enterprise: apply for a tiered loan for one's own organisation,
    /// attach its documents, and follow one's own loans and grant-to-equity
    /// agreements (企业融资).
    FundingApply,
    /// View the party-building network, meetings, commitments, races and reports.
    PartyRead,
    /// Maintain the party-building network and run meetings, commitments and races.
    PartyWrite,
    /// See party members' phone and ID numbers unmasked (each view is audited).
    PartyPii,
    /// Log visits and work as service staff (instructor, service officer, assistant).
    StaffLog,
    /// View published events, their series and reach figures.
    EventsRead,
    /// Register for an event, for oneself or one's own organisation.
    EventsRegister,
    /// Run events: publish, change, cancel, decide registrations, check in, record outcomes.
    EventsWrite,
    /// View alliances and associations and their members.
    AlliancesRead,
    /// Keep alliances and associations and their member lists (joins, exits, imports).
    AlliancesWrite,
    /// View published technology offers and needs, cooperation projects and
    /// matchmaking figures (an organisation also sees its own listings in any state).
    MatchingRead,
    /// Post offers and needs for one's own organisation (enterprise,
    /// university or institute accounts): draft, submit, change, withdraw.
    MatchingPost,
    /// Review offers and needs before they are listed (publish, return with
    /// a reason, withdraw), keep the matching vocabulary, supervise overdue leads.
    MatchingReview,
    /// Work leads as a broker (科创经纪人): create them from a match, move
    /// their stage, set the next step, sign; post listings on an
    /// organisation's behalf and see hidden enterprise names.
    MatchingBroker,
    /// View the talent register, the talent service catalogue, talent
    /// service requests and their figures (人才服务).
    TalentRead,
    /// Keep the talent register and the catalogue; submit a request on a
    /// talent's behalf (人才服务专员, the talent bureau).
    TalentWrite,
    /// See talents' passport, ID and phone numbers unmasked (each view is audited).
    TalentPii,
    /// As a talent: read the catalogue, submit one's own requests, follow and rate them.
    TalentRequest,
    /// Read the cockpit (领导驾驶舱): every area's indicators over a period,
    /// with comparisons, trends and the period report.
    CockpitRead,
    /// Enter and correct the reported statistics (报送统计) the cockpit shows
    /// beside the computed indicators, with their source and approver.
    CockpitReport,
    /// View policies (政策): the published and stopped ones, and the drafts
    /// of one's own departments (all of them for the scope `All`); an
    /// organisation sees only the published ones open to it.
    PoliciesRead,
    /// Keep the policies of one's own departments: draft, change, publish,
    /// stop, import (the department that runs each policy, administrators).
    PoliciesWrite,
}

impl Role {
    /// Every role, in declaration order.
    pub const ALL: [Role; 10] = [
        Role::Admin,
        Role::Leader,
        Role::Department,
        Role::TaskForce,
        Role::PartyWorker,
        Role::Instructor,
        Role::ServiceOfficer,
        Role::Broker,
        Role::Enterprise,
        Role::Talent,
    ];

    /// Stable snake_case code, as stored in the database and used in serde.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Leader => "leader",
            Role::Department => "department",
            Role::TaskForce => "task_force",
            Role::PartyWorker => "party_worker",
            Role::Instructor => "instructor",
            Role::ServiceOfficer => "service_officer",
            Role::Broker => "broker",
            Role::Enterprise => "enterprise",
            Role::Talent => "talent",
        }
    }

    /// Parses a code produced by [`Role::as_str`].
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Chinese label shown to users.
    pub fn label_zh(self) -> &'static str {
        match self {
            Role::Admin => "平台管理员",
            Role::Leader => "管委会领导",
            Role::Department => "部门经办人",
            Role::TaskForce => "产业专班",
            Role::PartyWorker => "党建工作者",
            Role::Instructor => "党建指导员",
            Role::ServiceOfficer => "首席服务官",
            Role::Broker => "科创经纪人",
            Role::Enterprise => "企业用户",
            Role::Talent => "人才",
        }
    }

    /// The data scope of the role.
    ///
    /// Instructors and service officers look after many organisations, so
    /// they see all records.
    pub fn scope(self) -> ScopeKind {
        match self {
            Role::Admin | Role::Leader | Role::PartyWorker => ScopeKind::All,
            Role::Broker | Role::Instructor | Role::ServiceOfficer => ScopeKind::Served,
            Role::Department => ScopeKind::DepartmentTree,
            Role::TaskForce => ScopeKind::Department,
            Role::Enterprise => ScopeKind::OwnOrg,
            Role::Talent => ScopeKind::SelfOnly,
        }
    }

    /// Every permission the role holds. This is the single permission table
    /// of the platform; [`Role::can`] looks it up.
    pub fn permissions(self) -> &'static [Permission] {
        use Permission::*;
        match self {
            Role::Admin => &Permission::ALL,
            Role::Leader => &[
                OrgsRead,
                DepartmentsRead,
                ChainsRead,
                CalendarRead,
                AuditRead,
                CasesRead,
                CasesSupervise,
                TransferRead,
                PartyRead,
                EventsRead,
                AlliancesRead,
                MatchingRead,
                TalentRead,
                CockpitRead,
                CockpitReport,
                PoliciesRead,
            ],
            Role::Department => &[
                OrgsRead,
                OrgsWrite,
                DepartmentsRead,
                ChainsRead,
                CalendarRead,
                CasesRead,
                CasesCreate,
                CasesHandle,
                // The science and technology bureau is a department.
                TransferRead,
                TransferWrite,
                FundingWrite,
                PartyRead,
                EventsRead,
                EventsRegister,
                EventsWrite,
                AlliancesRead,
                AlliancesWrite,
                // The bureau reviews listings and supervises leads.
                MatchingRead,
                MatchingReview,
                // The talent bureau keeps the register and the catalogue.
                TalentRead,
                TalentWrite,
                TalentPii,
                // Each department keeps the policies it runs.
                PoliciesRead,
                PoliciesWrite,
            ],
            Role::TaskForce => &[
                OrgsRead,
                OrgsWrite,
                DepartmentsRead,
                ChainsRead,
                CalendarRead,
                CasesRead,
                CasesCreate,
                CasesTriage,
                CasesHandle,
                TransferRead,
                PartyRead,
                EventsRead,
                EventsRegister,
                EventsWrite,
                AlliancesRead,
                AlliancesWrite,
                PoliciesRead,
            ],
            Role::Instructor | Role::ServiceOfficer => &[
                OrgsRead,
                OrgsWrite,
                DepartmentsRead,
                ChainsRead,
                CalendarRead,
                CasesRead,
                CasesCreate,
                PartyRead,
                StaffLog,
                EventsRead,
                EventsRegister,
                AlliancesRead,
                // Service staff point their firms to the policies open to them.
                PoliciesRead,
            ],
            // The party-building office runs the network; it needs members' contact data.
            Role::PartyWorker => &[
                OrgsRead,
                OrgsWrite,
                DepartmentsRead,
                ChainsRead,
                ChainsWrite,
                CalendarRead,
                CasesRead,
                CasesCreate,
                PartyRead,
                PartyWrite,
                PartyPii,
                StaffLog,
                EventsRead,
                EventsRegister,
                EventsWrite,
                AlliancesRead,
                PoliciesRead,
            ],
            // Technology managers and brokers work the transfer pipeline.
            Role::Broker => &[
                OrgsRead,
                OrgsWrite,
                DepartmentsRead,
                ChainsRead,
                ChainsWrite,
                CalendarRead,
                CasesRead,
                CasesCreate,
                TransferRead,
                TransferWrite,
                PartyRead,
                EventsRead,
                EventsRegister,
                EventsWrite,
                AlliancesRead,
                AlliancesWrite,
                MatchingRead,
                MatchingReview,
                MatchingBroker,
                PoliciesRead,
            ],
            // Scope limits organisation and case access to the user's own organisation.
            Role::Enterprise => &[
                OrgsRead,
                OrgsWrite,
                ChainsRead,
                CalendarRead,
                CasesRead,
                CasesCreate,
                CasesRate,
                FundingApply,
                EventsRead,
                EventsRegister,
                AlliancesRead,
                MatchingRead,
                MatchingPost,
                // The policies open to the firm, to apply for through a case.
                PoliciesRead,
            ],
            Role::Talent => &[
                TalentRequest,
                ChainsRead,
                CalendarRead,
                EventsRead,
                EventsRegister,
                AlliancesRead,
                MatchingRead,
            ],
        }
    }

    /// Whether the role holds permission `p` (within its [`scope`](Role::scope)).
    pub fn can(self, p: Permission) -> bool {
        self.permissions().contains(&p)
    }
}

impl ScopeKind {
    /// Every scope kind, from widest to narrowest.
    pub const ALL: [ScopeKind; 6] = [
        ScopeKind::All,
        ScopeKind::DepartmentTree,
        ScopeKind::Department,
        ScopeKind::OwnOrg,
        ScopeKind::SelfOnly,
        ScopeKind::Served,
    ];

    /// Stable snake_case code, as used in serde.
    pub fn as_str(self) -> &'static str {
        match self {
            ScopeKind::All => "all",
            ScopeKind::DepartmentTree => "department_tree",
            ScopeKind::Department => "department",
            ScopeKind::OwnOrg => "own_org",
            ScopeKind::SelfOnly => "self_only",
            ScopeKind::Served => "served",
        }
    }

    /// Chinese label shown to users.
    pub fn label_zh(self) -> &'static str {
        match self {
            ScopeKind::All => "全部",
            ScopeKind::DepartmentTree => "本部门及下级",
            ScopeKind::Department => "本部门",
            ScopeKind::OwnOrg => "本单位",
            ScopeKind::SelfOnly => "本人",
            ScopeKind::Served => "全部（诉求限本人联系的企业）",
        }
    }
}

impl Permission {
    /// Every permission, in declaration order.
    pub const ALL: [Permission; 43] = [
        Permission::OrgsRead,
        Permission::OrgsWrite,
        Permission::OrgsImport,
        Permission::DepartmentsRead,
        Permission::DepartmentsWrite,
        Permission::ChainsRead,
        Permission::ChainsWrite,
        Permission::CalendarRead,
        Permission::CalendarWrite,
        Permission::UsersAdmin,
        Permission::AuditRead,
        Permission::CasesRead,
        Permission::CasesCreate,
        Permission::CasesTriage,
        Permission::CasesHandle,
        Permission::CasesRate,
        Permission::CasesSupervise,
        Permission::CasesAdmin,
        Permission::TransferRead,
        Permission::TransferWrite,
        Permission::FundingWrite,
        Permission::FundingApply,
        Permission::PartyRead,
        Permission::PartyWrite,
        Permission::PartyPii,
        Permission::StaffLog,
        Permission::EventsRead,
        Permission::EventsRegister,
        Permission::EventsWrite,
        Permission::AlliancesRead,
        Permission::AlliancesWrite,
        Permission::MatchingRead,
        Permission::MatchingPost,
        Permission::MatchingReview,
        Permission::MatchingBroker,
        Permission::TalentRead,
        Permission::TalentWrite,
        Permission::TalentPii,
        Permission::TalentRequest,
        Permission::CockpitRead,
        Permission::CockpitReport,
        Permission::PoliciesRead,
        Permission::PoliciesWrite,
    ];

    /// Stable snake_case code, as used in serde.
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::OrgsRead => "orgs_read",
            Permission::OrgsWrite => "orgs_write",
            Permission::OrgsImport => "orgs_import",
            Permission::DepartmentsRead => "departments_read",
            Permission::DepartmentsWrite => "departments_write",
            Permission::ChainsRead => "chains_read",
            Permission::ChainsWrite => "chains_write",
            Permission::CalendarRead => "calendar_read",
            Permission::CalendarWrite => "calendar_write",
            Permission::UsersAdmin => "users_admin",
            Permission::AuditRead => "audit_read",
            Permission::CasesRead => "cases_read",
            Permission::CasesCreate => "cases_create",
            Permission::CasesTriage => "cases_triage",
            Permission::CasesHandle => "cases_handle",
            Permission::CasesRate => "cases_rate",
            Permission::CasesSupervise => "cases_supervise",
            Permission::CasesAdmin => "cases_admin",
            Permission::TransferRead => "transfer_read",
            Permission::TransferWrite => "transfer_write",
            Permission::FundingWrite => "funding_write",
            Permission::FundingApply => "funding_apply",
            Permission::PartyRead => "party_read",
            Permission::PartyWrite => "party_write",
            Permission::PartyPii => "party_pii",
            Permission::StaffLog => "staff_log",
            Permission::EventsRead => "events_read",
            Permission::EventsRegister => "events_register",
            Permission::EventsWrite => "events_write",
            Permission::AlliancesRead => "alliances_read",
            Permission::AlliancesWrite => "alliances_write",
            Permission::MatchingRead => "matching_read",
            Permission::MatchingPost => "matching_post",
            Permission::MatchingReview => "matching_review",
            Permission::MatchingBroker => "matching_broker",
            Permission::TalentRead => "talent_read",
            Permission::TalentWrite => "talent_write",
            Permission::TalentPii => "talent_pii",
            Permission::TalentRequest => "talent_request",
            Permission::CockpitRead => "cockpit_read",
            Permission::CockpitReport => "cockpit_report",
            Permission::PoliciesRead => "policies_read",
            Permission::PoliciesWrite => "policies_write",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_match_serde() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
            assert_eq!(serde_code(&role), role.as_str());
        }
        for scope in ScopeKind::ALL {
            assert_eq!(serde_code(&scope), scope.as_str());
        }
        for p in Permission::ALL {
            assert_eq!(serde_code(&p), p.as_str());
        }
        assert_eq!(Role::parse("task_force"), Some(Role::TaskForce));
        assert_eq!(Role::parse("Admin"), None);
        assert_eq!(Role::parse(""), None);
    }

    /// The serde representation of a unit enum variant.
    fn serde_code<T: Serialize>(v: &T) -> String {
        #[derive(Serialize)]
        struct W<'a, T> {
            v: &'a T,
        }
        let s = toml::to_string(&W { v }).unwrap();
        s.trim()
            .strip_prefix("v = \"")
            .and_then(|s| s.strip_suffix('"'))
            .unwrap()
            .to_owned()
    }

    #[test]
    fn labels() {
        assert_eq!(Role::ServiceOfficer.label_zh(), "首席服务官");
        assert_eq!(Role::Broker.label_zh(), "科创经纪人");
        assert_eq!(ScopeKind::DepartmentTree.label_zh(), "本部门及下级");
        assert_eq!(Role::Talent.scope().label_zh(), "本人");
    }

    #[test]
    fn scopes() {
        assert_eq!(Role::Admin.scope(), ScopeKind::All);
        assert_eq!(Role::Leader.scope(), ScopeKind::All);
        assert_eq!(Role::Instructor.scope(), ScopeKind::Served);
        assert_eq!(Role::ServiceOfficer.scope(), ScopeKind::Served);
        assert_eq!(Role::Broker.scope(), ScopeKind::Served);
        assert_eq!(Role::Department.scope(), ScopeKind::DepartmentTree);
        assert_eq!(Role::TaskForce.scope(), ScopeKind::Department);
        assert_eq!(Role::Enterprise.scope(), ScopeKind::OwnOrg);
        assert_eq!(Role::Talent.scope(), ScopeKind::SelfOnly);
    }

    #[test]
    fn admin_can_everything() {
        assert!(Permission::ALL.into_iter().all(|p| Role::Admin.can(p)));
    }

    #[test]
    fn only_admin_holds_administrative_permissions() {
        use Permission::*;
        for role in Role::ALL.into_iter().filter(|r| *r != Role::Admin) {
            for p in [OrgsImport, DepartmentsWrite, CalendarWrite, UsersAdmin] {
                assert!(!role.can(p), "{role:?} must not hold {p:?}");
            }
        }
    }

    #[test]
    fn funding_is_run_by_the_bureau_and_transfer_hidden_from_firms() {
        use Permission::*;
        let funders: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| r.can(FundingWrite))
            .collect();
        assert_eq!(funders, vec![Role::Admin, Role::Department]);
        assert!(Role::Broker.can(TransferWrite));
        assert!(!Role::Broker.can(FundingWrite));
        for r in [Role::Enterprise, Role::Talent] {
            assert!(!r.can(TransferRead), "{r:?}");
        }
    }

    #[test]
    fn only_the_party_office_and_admins_see_members_unmasked() {
        let pii: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| r.can(Permission::PartyPii))
            .collect();
        assert_eq!(pii, vec![Role::Admin, Role::PartyWorker]);
        assert!(Role::Leader.can(Permission::PartyRead));
        assert!(!Role::Leader.can(Permission::PartyWrite));
        assert!(Role::Instructor.can(Permission::StaffLog));
        assert!(!Role::Enterprise.can(Permission::PartyRead));
    }

    #[test]
    fn enterprise_cannot_import_or_admin_users() {
        assert!(!Role::Enterprise.can(Permission::OrgsImport));
        assert!(!Role::Enterprise.can(Permission::UsersAdmin));
        assert!(!Role::Enterprise.can(Permission::AuditRead));
        assert!(Role::Enterprise.can(Permission::OrgsWrite));
    }

    #[test]
    fn every_role_can_read_calendar_and_chains() {
        for role in Role::ALL {
            assert!(role.can(Permission::CalendarRead), "{role:?}");
            assert!(role.can(Permission::ChainsRead), "{role:?}");
        }
    }

    #[test]
    fn matchmaking() {
        use Permission::*;
        let holders =
            |p: Permission| -> Vec<Role> { Role::ALL.into_iter().filter(|r| r.can(p)).collect() };
        assert_eq!(holders(MatchingBroker), [Role::Admin, Role::Broker]);
        assert_eq!(
            holders(MatchingReview),
            [Role::Admin, Role::Department, Role::Broker]
        );
        // Organisations post for themselves; staff act through review and broker.
        assert_eq!(holders(MatchingPost), [Role::Admin, Role::Enterprise]);
        for r in [
            Role::Admin,
            Role::Leader,
            Role::Department,
            Role::Broker,
            Role::Enterprise,
            Role::Talent,
        ] {
            assert!(r.can(MatchingRead), "{r:?}");
        }
        assert!(!Role::Leader.can(MatchingReview));
        assert!(!Role::Talent.can(MatchingPost));
    }

    #[test]
    fn chains_and_audit() {
        let chain_writers: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| r.can(Permission::ChainsWrite))
            .collect();
        assert_eq!(
            chain_writers,
            [Role::Admin, Role::PartyWorker, Role::Broker]
        );
        let auditors: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| r.can(Permission::AuditRead))
            .collect();
        assert_eq!(auditors, [Role::Admin, Role::Leader]);
        assert!(!Role::Leader.can(Permission::OrgsWrite));
        assert!(!Role::Talent.can(Permission::OrgsRead));
    }
}
