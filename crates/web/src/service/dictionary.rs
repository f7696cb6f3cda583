//! The data dictionary (数据字典): every code list the platform uses, with
//! the code stored in the database, in the API and in Excel files and the
//! Chinese name shown on pages, and where each list is used.
//!
//! Two kinds of list. Those the rules depend on (a case's statuses, a
//! role, a project's stages) are fixed in code: a new value needs new
//! rules, so they are shown here to be read (by whoever fills an import
//! file or calls the API), not edited. Those a committee keeps for itself
//! are registers with their own pages (诉求分类, 人才层次, 匹配词库, 贷款档位,
//! 部门架构, 工作日历); the dictionary points to them.
//!
//! Each fixed list is read from its enum (`ALL`, `as_str`, `label_zh`), so
//! the page cannot drift from the code.

use serde::Serialize;
use utoipa::ToSchema;

use kechuang_domain::{auth, cases, events, matching, org, party, policies, talent, transfer};
use kechuang_store::party::{accountability, claims, meetings, programmes, staff};

/// One value of a code list.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DictionaryItem {
    /// 代码（数据库、API 与 Excel 中使用）
    pub code: &'static str,
    /// 中文名称（页面显示；导入时也可填写）
    pub label: &'static str,
}

/// A code list fixed in code.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Dictionary {
    /// 字典代码
    pub key: &'static str,
    /// 字典名称
    pub name: &'static str,
    /// 所属业务
    pub area: &'static str,
    /// 用在哪里
    pub used_in: &'static str,
    pub items: Vec<DictionaryItem>,
}

/// A code list a committee keeps itself, on its own page.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct EditableList {
    pub name: &'static str,
    pub area: &'static str,
    pub used_in: &'static str,
    /// 维护页面
    pub href: &'static str,
}

/// The whole dictionary.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DataDictionary {
    /// 由系统规则使用的代码表（只读）
    pub fixed: Vec<Dictionary>,
    /// 由管委会自行维护的代码表（在各自页面中修改）
    pub editable: Vec<EditableList>,
}

/// A fixed list from an enum with `ALL`, `as_str` and `label_zh`.
macro_rules! list {
    ($key:literal, $name:literal, $area:literal, $used:literal, $ty:ty) => {
        Dictionary {
            key: $key,
            name: $name,
            area: $area,
            used_in: $used,
            items: <$ty>::ALL
                .iter()
                .map(|v| DictionaryItem {
                    code: v.as_str(),
                    label: v.label_zh(),
                })
                .collect(),
        }
    };
}

/// The code lists fixed in code, by area.
pub fn fixed() -> Vec<Dictionary> {
    vec![
        list!(
            "org_kind",
            "单位类型",
            "基础数据",
            "单位名录、单位导入",
            org::OrgKind
        ),
        list!(
            "chain_position",
            "产业链环节",
            "基础数据",
            "产业链成员",
            org::ChainPosition
        ),
        list!("role", "角色", "系统管理", "用户账号、账号导入", auth::Role),
        list!(
            "case_status",
            "诉求状态",
            "诉求办理",
            "诉求列表、导出、API",
            cases::CaseStatus
        ),
        list!(
            "task_status",
            "部门任务状态",
            "诉求办理",
            "部门工作台、诉求详情",
            cases::TaskStatus
        ),
        list!(
            "task_role",
            "部门任务角色",
            "诉求办理",
            "分办（主办、协办）",
            cases::TaskRole
        ),
        list!(
            "channel",
            "诉求来源渠道",
            "诉求办理",
            "受理诉求、Open311",
            cases::Channel
        ),
        list!(
            "satisfaction",
            "满意度",
            "诉求办理",
            "企业评价、统计",
            cases::Satisfaction
        ),
        list!(
            "sla",
            "办理时限",
            "诉求办理",
            "诉求列表的时限筛选",
            cases::SlaState
        ),
        list!(
            "party_org_kind",
            "党组织类型",
            "党建引领",
            "党组织网络、党组织导入",
            party::PartyOrgKind
        ),
        list!(
            "member_stage",
            "党员发展阶段",
            "党建引领",
            "党员名册、党员导入",
            party::MemberStage
        ),
        list!(
            "staff_role",
            "服务队伍身份",
            "党建引领",
            "服务队伍、服务队伍导入",
            staff::StaffRole
        ),
        list!(
            "work_log_kind",
            "工作记录类型",
            "党建引领",
            "走访与服务记录",
            staff::LogKind
        ),
        list!(
            "meeting_kind",
            "会议类型",
            "党建引领",
            "联席会议",
            meetings::MeetingKind
        ),
        list!(
            "key_item_status",
            "重点事项状态",
            "党建引领",
            "联席会议的重点事项",
            meetings::KeyStatus
        ),
        list!(
            "commitment_status",
            "承诺状态",
            "党建引领",
            "党员承诺",
            party::CommitmentStatus
        ),
        list!(
            "dimension_source",
            "赛马维度数据来源",
            "党建引领",
            "赛马比拼的维度",
            party::DimensionSource
        ),
        list!(
            "claim_level",
            "认领项目级别",
            "党建引领",
            "项目认领",
            claims::ClaimLevel
        ),
        list!(
            "claim_state",
            "认领状态",
            "党建引领",
            "项目认领",
            claims::ClaimState
        ),
        list!(
            "claim_result_kind",
            "认领成果类型",
            "党建引领",
            "项目认领的成果",
            claims::ResultKind
        ),
        list!(
            "programme_action",
            "专项行动类型",
            "党建引领",
            "专项行动",
            programmes::ActionKind
        ),
        list!(
            "accountability_kind",
            "问责方式",
            "党建引领",
            "督办与约谈",
            accountability::AccountKind
        ),
        list!(
            "project_stage",
            "成果转化阶段",
            "成果转化",
            "转化项目、阶段评审",
            transfer::Stage
        ),
        list!(
            "project_state",
            "转化项目状态",
            "成果转化",
            "转化项目",
            transfer::ProjectState
        ),
        list!(
            "gate_decision",
            "阶段评审决定",
            "成果转化",
            "阶段评审",
            transfer::GateDecision
        ),
        list!(
            "contract_kind",
            "技术合同类型",
            "成果转化",
            "技术合同、技术合同导入",
            transfer::ContractKind
        ),
        list!(
            "loan_ladder",
            "贷款阶梯",
            "成果转化",
            "阶梯贷款档位",
            transfer::Ladder
        ),
        list!(
            "offer_kind",
            "技术供给类型",
            "技术撮合",
            "技术供给、供给导入",
            matching::OfferKind
        ),
        list!(
            "coop_mode",
            "合作方式",
            "技术撮合",
            "供给与需求、合作项目",
            matching::CoopMode
        ),
        list!(
            "listing_status",
            "发布状态",
            "技术撮合",
            "供给与需求",
            matching::ListingStatus
        ),
        list!(
            "close_cause",
            "关闭原因",
            "技术撮合",
            "供给与需求",
            matching::CloseCause
        ),
        list!(
            "lead_stage",
            "撮合线索阶段",
            "技术撮合",
            "撮合线索",
            matching::LeadStage
        ),
        list!(
            "term_kind",
            "匹配词库类型",
            "技术撮合",
            "匹配词库",
            matching::TermKind
        ),
        list!(
            "change_kind",
            "变更类型",
            "技术撮合",
            "合作项目变更",
            matching::ChangeKind
        ),
        list!(
            "event_kind",
            "活动类型",
            "服务联动",
            "活动、活动日历",
            events::EventKind
        ),
        list!(
            "event_status",
            "活动状态",
            "服务联动",
            "活动",
            events::EventStatus
        ),
        list!(
            "organiser_role",
            "主办方角色",
            "服务联动",
            "活动的主办、协办",
            events::OrganiserRole
        ),
        list!("sector", "领域", "服务联动", "活动、联盟", events::Sector),
        list!(
            "registration_status",
            "报名状态",
            "服务联动",
            "活动报名",
            events::RegistrationStatus
        ),
        list!(
            "outcome_kind",
            "活动成果类型",
            "服务联动",
            "活动成果",
            events::OutcomeKind
        ),
        list!(
            "alliance_kind",
            "联盟类型",
            "服务联动",
            "联盟与协会、成员导入",
            events::AllianceKind
        ),
        list!(
            "policy_status",
            "政策状态",
            "服务联动",
            "政策、政策导入",
            policies::PolicyStatus
        ),
        list!(
            "talent_origin",
            "人才来源",
            "人才服务",
            "人才名册、人才导入",
            talent::Origin
        ),
    ]
}

/// The code lists a committee keeps itself, with the page that keeps each.
pub fn editable() -> Vec<EditableList> {
    vec![
        EditableList {
            name: "诉求分类",
            area: "诉求办理",
            used_in: "受理诉求、分办规则与办结时限",
            href: "/cases/categories",
        },
        EditableList {
            name: "部门架构",
            area: "基础数据",
            used_in: "分办、部门工作台、账号",
            href: "/departments",
        },
        EditableList {
            name: "工作日历",
            area: "系统管理",
            used_in: "一切按工作日计算的时限",
            href: "/calendar",
        },
        EditableList {
            name: "人才层次",
            area: "人才服务",
            used_in: "人才名册、服务目录",
            href: "/talent/catalogue",
        },
        EditableList {
            name: "匹配词库",
            area: "技术撮合",
            used_in: "供给与需求的领域、关键词匹配",
            href: "/matching/terms",
        },
        EditableList {
            name: "贷款档位",
            area: "成果转化",
            used_in: "阶梯贷款的评定",
            href: "/transfer/loans",
        },
    ]
}

/// The whole dictionary (any signed-in account may read it: it holds
/// codes and names, nothing of anyone's records).
pub fn all() -> DataDictionary {
    DataDictionary {
        fixed: fixed(),
        editable: editable(),
    }
}
