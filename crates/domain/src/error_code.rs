//! The catalogue of error codes: every `code` an API error body carries
//! (`{"code","message","details"}`), each with what it means. Handlers,
//! services, the store and the domain rules name a code only through
//! [`ErrorCode`], so a client can rely on this list being complete; the
//! published OpenAPI document lists the same codes and meanings.

use serde::{Serialize, Serializer};

macro_rules! catalogue {
    ($($name:ident = $code:literal, $meaning:literal;)*) => {
        /// A stable, snake_case error code (see the module documentation).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum ErrorCode {
            $(
                #[doc = $meaning]
                $name,
            )*
        }

        impl ErrorCode {
            /// Every code, in the catalogue's order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$name,)*];

            /// The code as clients see it, e.g. `invalid_uscc`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$name => $code,)*
                }
            }

            /// What the code means, in Chinese, for the API documentation.
            pub fn meaning(self) -> &'static str {
                match self {
                    $(ErrorCode::$name => $meaning,)*
                }
            }

            /// The variant's name in the source, e.g. `InvalidUscc`.
            pub fn name(self) -> &'static str {
                match self {
                    $(ErrorCode::$name => stringify!($name),)*
                }
            }
        }
    };
}

catalogue! {
    AchievedInFuture = "achieved_in_future", "成果取得日期晚于今天";
    AlreadyCheckedIn = "already_checked_in", "该报名已签到，不能再取消";
    AlreadyConverted = "already_converted", "该工作记录已转为诉求，不能重复转办";
    AlreadyEnded = "already_ended", "联系关系已结束";
    AlreadyGraduated = "already_graduated", "孵化企业已毕业";
    AlreadyInZone = "already_in_zone", "党员或单位已在该责任区";
    AlreadyMember = "already_member", "该单位已是联盟或协会的成员";
    AlreadyRegistered = "already_registered", "该手机号已报名该活动";
    AmountOverflow = "amount_overflow", "金额合计超出可表示的范围（±1万亿元）";
    AmountTooLarge = "amount_too_large", "金额超出上限（1万亿元）";
    ApplicationState = "application_state", "先投后股申请当前状态不允许该操作";
    AssignmentOverlaps = "assignment_overlaps", "服务人员联系该单位的时段与已有联系重叠";
    AssistantNeedsOfficer = "assistant_needs_officer", "党建助手须选择其服务的首席服务官";
    BackNeedsReason = "back_needs_reason", "退回上一阶段须说明理由";
    CannotDisableSelf = "cannot_disable_self", "不能停用自己的账号";
    CapacityBelowConfirmed = "capacity_below_confirmed", "名额少于已确认报名的人数";
    CaseClosed = "case_closed", "诉求已办结，不能再进行该操作";
    CaseNotInHandling = "case_not_in_handling", "诉求不在办理中，不能处理部门任务";
    ChainRequired = "chain_required", "产业链党委须选择所在产业链";
    CheckinClosed = "checkin_closed", "活动已结束，签到已关闭（工作人员可补签）";
    CheckinNotStarted = "checkin_not_started", "活动尚未开始，暂不能签到";
    ClaimedInFuture = "claimed_in_future", "揭榜日期晚于今天";
    CommitmentState = "commitment_state", "承诺当前状态不允许该操作";
    ComputedDimension = "computed_dimension", "该赛马维度由系统计算，不能手工评分";
    ConflictNoteRequired = "conflict_note_required", "声明利益冲突时须说明情形";
    ContractLinked = "contract_linked", "技术合同已关联其他撮合线索";
    CsrfFailed = "csrf_failed", "请求来自其他网站或页面已过期（跨站请求校验未通过）";
    DeadlinePassed = "deadline_passed", "技术需求的截止日期已过";
    DepartmentInUse = "department_in_use", "部门下还有下级部门、账号或服务单位，不能删除";
    DoneInFuture = "done_in_future", "完成日期晚于今天";
    DueBeforePledge = "due_before_pledge", "完成时限早于承诺日期";
    Duplicate = "duplicate", "记录重复：唯一性约束冲突";
    DuplicateAgreementNo = "duplicate_agreement_no", "先投后股协议编号已存在";
    DuplicateAllianceName = "duplicate_alliance_name", "同名联盟或协会已存在";
    DuplicateCode = "duplicate_code", "编码已存在";
    DuplicateContractNo = "duplicate_contract_no", "技术合同登记编号已存在";
    DuplicateExpert = "duplicate_expert", "该专家已在本次评审中打分";
    DuplicateLink = "duplicate_link", "该党组织已关联到这个产业链党委";
    DuplicateLoanNo = "duplicate_loan_no", "贷款编号已存在";
    DuplicateMember = "duplicate_member", "该党员已在先锋队中";
    DuplicateName = "duplicate_name", "同名记录已存在";
    DuplicateOrganiser = "duplicate_organiser", "同一单位被重复列为主办或协办";
    DuplicatePolicyTitle = "duplicate_policy_title", "同名政策已存在";
    DuplicateSeriesName = "duplicate_series_name", "同名活动系列已存在";
    DuplicateTerm = "duplicate_term", "匹配词库中已有该词或同义词组";
    DuplicateUnit = "duplicate_unit", "该党组织已登记在这个单位";
    DuplicateUscc = "duplicate_uscc", "统一社会信用代码已被其他单位使用";
    DuplicateUsername = "duplicate_username", "用户名已存在";
    EmptyFile = "empty_file", "上传的文件是空的";
    EventCancelled = "event_cancelled", "活动已取消，不能再修改或报名";
    EventEnded = "event_ended", "活动已结束，不能再报名";
    EventHasRegistrations = "event_has_registrations", "活动已有报名，不能删除（可取消）";
    EventNotPublished = "event_not_published", "活动尚未发布";
    EvidenceRequired = "evidence_required", "报告已完成时须附佐证材料说明";
    ExcelTooLarge = "excel_too_large", "Excel 文件解压后过大";
    ExitBeforeConversion = "exit_before_conversion", "退出日期早于转股日期";
    ExitOutsideWindow = "exit_outside_window", "团队回购不在约定的退出窗口内";
    FileTooLarge = "file_too_large", "附件超过大小上限";
    FirmExists = "firm_exists", "项目已注册孵化企业";
    Forbidden = "forbidden", "当前角色或数据范围无权执行该操作";
    FoundedAfterMembers = "founded_after_members", "成立日期晚于已有成员的加入日期";
    FutureDate = "future_date", "日期晚于今天";
    GateUnscored = "gate_unscored", "尚无有效专家评分，不能通过阶段评审";
    GraduateBeforeEntry = "graduate_before_entry", "毕业日期早于入孵日期";
    IllegalTransition = "illegal_transition", "记录当前状态下不能执行该操作";
    ImportInvalid = "import_invalid", "导入文件有错误，未导入任何数据（错误逐行列出）";
    InstitutionNameRequired = "institution_name_required", "未填写报名单位名称";
    Internal = "internal", "服务器内部错误";
    InvalidAmount = "invalid_amount", "金额无效（须为正数、不超过上限，或与其他金额不符）";
    InvalidApplyWindow = "invalid_apply_window", "申报起止日期无效";
    InvalidAppointment = "invalid_appointment", "交叉任职信息不完整";
    InvalidCapacity = "invalid_capacity", "名额超出允许范围";
    InvalidCategory = "invalid_category", "诉求分类不存在或已停用";
    InvalidChain = "invalid_chain", "产业链不存在";
    InvalidCount = "invalid_count", "数量超出允许范围";
    InvalidDate = "invalid_date", "日期格式有误（应写成“年-月-日”，如 2026-03-01）";
    InvalidDepartment = "invalid_department", "部门不存在";
    InvalidDimensions = "invalid_dimensions", "赛马维度设置无效";
    InvalidExcel = "invalid_excel", "无法读取的 Excel 文件（须为 .xlsx）";
    InvalidFilename = "invalid_filename", "未提供文件名";
    InvalidForm = "invalid_form", "表单内容无法解析";
    InvalidHolder = "invalid_holder", "技术供给的持有单位须为企业、高校或科研院所";
    InvalidHonor = "invalid_honor", "表彰信息不完整";
    InvalidInput = "invalid_input", "输入有误，逐字段说明见 details.fields";
    InvalidJson = "invalid_json", "请求体不是有效的 JSON";
    InvalidKind = "invalid_kind", "类型代码无效";
    InvalidLimit = "invalid_limit", "时限超出允许范围（1—365个工作日）";
    InvalidLoan = "invalid_loan", "贷款申请金额或期限无效";
    InvalidMerge = "invalid_merge", "不能把诉求合并到自身";
    InvalidName = "invalid_name", "未填写名称";
    InvalidNode = "invalid_node", "链节点不属于该产业链";
    InvalidOrg = "invalid_org", "单位不存在";
    InvalidPage = "invalid_page", "分页参数超出范围（page 1—1000000，per_page 1—200）";
    InvalidParent = "invalid_parent", "上级记录无效（不存在或不属于同一产业链）";
    InvalidParticipants = "invalid_participants", "参与人数无效";
    InvalidPath = "invalid_path", "路径参数有误";
    InvalidPeriod = "invalid_period", "期间无效：结束日期早于开始日期";
    InvalidPhone = "invalid_phone", "电话号码格式有误";
    InvalidPool = "invalid_pool", "资金池名称或预算无效";
    InvalidPrice = "invalid_price", "转让价格无效";
    InvalidProgress = "invalid_progress", "工作进度须为 0—100 的整数";
    InvalidQuery = "invalid_query", "查询参数有误";
    InvalidRace = "invalid_race", "赛马名称或周期无效";
    InvalidRound = "invalid_round", "融资轮次信息无效";
    InvalidSchedule = "invalid_schedule", "活动起止日期或时间无效";
    InvalidTaskLimit = "invalid_task_limit", "部门时限所列部门不在本次分办中";
    InvalidTemplate = "invalid_template", "Excel 表头与导入模板不符";
    InvalidTerm = "invalid_term", "领域词或同义词组无效（不能为空或含空格，每词不超过32个字，同义词组至少两个词）";
    InvalidTerms = "invalid_terms", "先投后股协议条款不完整或超出范围";
    InvalidText = "invalid_text", "输入含有不可见的控制字符（如 NUL）";
    InvalidTicket = "invalid_ticket", "票码格式有误或校验位不符";
    InvalidTier = "invalid_tier", "梯度贷档位设置无效";
    InvalidToken = "invalid_token", "API 令牌无效或已被吊销";
    InvalidTrl = "invalid_trl", "技术成熟度须为 1—9 的整数（下限不高于上限）";
    InvalidUpload = "invalid_upload", "上传格式有误（须为 multipart/form-data）";
    InvalidUrl = "invalid_url", "Webhook 地址无效";
    InvalidUscc = "invalid_uscc", "统一社会信用代码格式或校验位有误";
    InvalidUsername = "invalid_username", "用户名为空或过长";
    InvalidUtf8 = "invalid_utf8", "输入含有无效的 UTF-8 字节";
    InvalidWindow = "invalid_window", "报名起止日期无效";
    InvalidYear = "invalid_year", "年份超出范围（1990—2100）";
    JoinedBeforeFounding = "joined_before_founding", "加入日期早于联盟或协会的成立日期";
    KeyItemDone = "key_item_done", "重点事项已完成，不能再更新";
    LadderEmpty = "ladder_empty", "未填写入党申请日期";
    LadderOrder = "ladder_order", "发展阶段的日期先后顺序有误";
    LastStage = "last_stage", "项目已在最后阶段";
    LeadOpen = "lead_open", "该需求与供给已有进行中的撮合线索";
    LeadOrganiserRequired = "lead_organiser_required", "发布前须指定主办单位";
    ListingNotPublished = "listing_not_published", "技术需求或供给尚未发布（或已撤回、关闭）";
    LoanState = "loan_state", "贷款当前状态不允许该操作";
    LogConverted = "log_converted", "工作记录已转为诉求，不能再修改或删除";
    LogWithoutOrg = "log_without_org", "工作记录未关联单位，不能转为诉求";
    LoggedInFuture = "logged_in_future", "工作日期晚于今天";
    MemberOutsideOrg = "member_outside_org", "党员不属于责任区所在党组织";
    MilestoneAfterDeadline = "milestone_after_deadline", "节点时间晚于重点事项的完成时限";
    MilestoneDone = "milestone_done", "节点已完成";
    MilestonesOpen = "milestones_open", "还有未完成的节点";
    NameRequired = "name_required", "未填写名称";
    NegativeAmount = "negative_amount", "金额或产值为负数";
    NoCriteria = "no_criteria", "评审指标为空或权重无效";
    NoFirm = "no_firm", "项目尚未注册孵化企业";
    NoProblems = "no_problems", "工作记录没有发现的问题，不能转为诉求";
    NoStaffRecord = "no_staff_record", "账号尚未关联服务人员档案";
    NoTier = "no_tier", "贷款尚未评定梯度";
    NodeInUse = "node_in_use", "链节点下还有子节点或挂接单位，不能删除";
    NotABroker = "not_a_broker", "所选账号不是在用的科创经纪人";
    NotADraft = "not_a_draft", "活动不是草稿（已发布或已取消）";
    NotAMember = "not_a_member", "该单位目前不是成员";
    NotAccountable = "not_accountable", "只能对首席服务官、党建助手或党建指导员下达督办或约谈";
    NotActive = "not_active", "报名不是有效状态（已取消或未通过）";
    NotChainCommittee = "not_chain_committee", "须为产业链党委（关联党组织、制定行动计划）";
    NotConverted = "not_converted", "协议尚未转股";
    NotDecidable = "not_decidable", "报名当前状态不能审核";
    NotEntitled = "not_entitled", "该人才的层次或类别不适用此服务事项";
    NotFound = "not_found", "记录不存在，或无权查看";
    NotGranting = "not_granting", "协议已转股或结题，不能再拨付";
    NotInIncubation = "not_in_incubation", "项目不在企业孵化阶段";
    NotInThread = "not_in_thread", "只有沟通双方（党建助手和党建指导员）可以在该沟通中留言";
    NotLeadBroker = "not_lead_broker", "只有负责该线索的科创经纪人可以推进线索";
    NotLeadDepartment = "not_lead_department", "只有主办部门或受理分办人员可以执行该操作";
    NotListingOwner = "not_listing_owner", "只能发布或修改本单位的技术供给和需求";
    NotOnChain = "not_on_chain", "单位尚未挂接到该产业链";
    NotOrganiser = "not_organiser", "只有活动的主办或协办单位可以执行该操作";
    NotOverdue = "not_overdue", "贷款没有逾期未还的期次";
    NotOwnStaff = "not_own_staff", "只能以本人身份记录或修改工作";
    NotPending = "not_pending", "报名不在待审核状态";
    NotServiceOfficer = "not_service_officer", "该服务人员不是首席服务官";
    PolicyNotOpen = "policy_not_open", "政策未发布或不在申报时间内，不能申请";
    NotPolicyDepartment = "not_policy_department", "只有政策的牵头部门可以执行该操作";
    NotTaskDepartment = "not_task_department", "只能处理本部门的任务";
    NoteRequired = "note_required", "未填写说明";
    NothingGranted = "nothing_granted", "协议尚未拨付任何资助款";
    OfficerHasAssistants = "officer_has_assistants", "首席服务官还有党建助手，不能变更身份";
    OrgInUse = "org_in_use", "单位已挂接到产业链，不能删除";
    OrganiserRequired = "organiser_required", "须把本部门或本单位列为主办或协办单位";
    OverGrant = "over_grant", "拨付后累计将超过协议资助金额";
    OverLimit = "over_limit", "审批金额超过梯度额度";
    Overpaid = "overpaid", "还款金额超过应还金额";
    OwnOrgOnly = "own_org_only", "企业账号只能为本单位人员报名";
    PaidBeforeSigning = "paid_before_signing", "拨付日期早于协议签订日期";
    PayloadTooLarge = "payload_too_large", "请求体超过大小上限（20 MB）";
    PersonNameRequired = "person_name_required", "未填写参会人姓名";
    PoolInsufficient = "pool_insufficient", "资金池余额不足";
    ProgressRequired = "progress_required", "未填写践诺进展";
    ProjectStopped = "project_stopped", "项目已终止";
    RaceClosed = "race_closed", "赛马已结束，不能再评分";
    RatingRequired = "rating_required", "须先评价才能进行该操作";
    ReasonRequired = "reason_required", "须填写理由";
    ReasonsRequired = "reasons_required", "须填写决策理由";
    ReceivedInFuture = "received_in_future", "受理时间晚于当前时间";
    RegisteredBeforeSigned = "registered_before_signed", "登记日期早于签订日期";
    RegistrationClosed = "registration_closed", "不在报名时间内";
    RegistrationInactive = "registration_inactive", "报名已取消或未通过审核，不能签到";
    RegistrationPending = "registration_pending", "报名尚待审核，不能签到";
    RegistrationWaitlisted = "registration_waitlisted", "报名仍在候补，不能签到";
    RepaidBeforeDisbursed = "repaid_before_disbursed", "还款日期早于放款日期";
    ReportBeforePledge = "report_before_pledge", "报告日期早于承诺日期";
    ResultBeforeClaim = "result_before_claim", "成果取得日期早于揭榜日期";
    ResultsBeforeClaim = "results_before_claim", "已有成果的取得日期早于揭榜日期";
    ReturnWindowPassed = "return_window_passed", "已超过退回时限（分办后1个工作日内）";
    ReviewClosed = "review_closed", "评审已决策，不能再打分";
    ReviewOpen = "review_open", "项目已有进行中的评审";
    RoundAfterTerm = "round_after_term", "融资发生在协议期限之后";
    RoundBeforeSigning = "round_before_signing", "融资发生在协议签订之前";
    RoundTooSmall = "round_too_small", "融资额低于协议约定的最低额，不触发转股";
    SameStage = "same_stage", "目标阶段与当前阶段相同";
    ScoreOutOfRange = "score_out_of_range", "得分超出 0—100";
    ScoresMismatch = "scores_mismatch", "评分项与评审指标不一致";
    SectorRequired = "sector_required", "须选择单位类别（政、产、学、研、金、介）";
    SelfLink = "self_link", "产业链党委不能关联自身";
    SkipNeedsReason = "skip_needs_reason", "跨阶段推进须说明理由";
    StaleVersion = "stale_version", "记录已被他人修改（版本号过期），请刷新后重试";
    TalentNotLinked = "talent_not_linked", "当前账号未关联人才档案，请联系人才服务专员";
    TargetNotAllowed = "target_not_allowed", "不允许转到该目标阶段";
    TasksOpen = "tasks_open", "还有部门任务未完成";
    TermNotOver = "term_not_over", "协议期限尚未届满";
    ThreadRoles = "thread_roles", "工作沟通须在一名党建助手和一名党建指导员之间";
    TicketExhausted = "ticket_exhausted", "生成票码失败，请重试";
    TicketOfOtherEvent = "ticket_of_other_event", "票码属于其他活动";
    TitleRequired = "title_required", "未填写活动名称";
    TooManyAttachments = "too_many_attachments", "附件数量超过上限";
    TooManyColumns = "too_many_columns", "Excel 列数超过上限";
    TooManyRows = "too_many_rows", "单次导入行数超过上限";
    Unauthenticated = "unauthenticated", "未登录，或未提供有效的 API 令牌";
    UnknownAlliance = "unknown_alliance", "联盟或协会不存在";
    UnknownCase = "unknown_case", "诉求编号不存在";
    UnknownChain = "unknown_chain", "产业链不存在";
    UnknownContract = "unknown_contract", "技术合同不存在";
    UnknownDepartment = "unknown_department", "部门不存在";
    UnknownMeeting = "unknown_meeting", "会议不存在";
    UnknownMember = "unknown_member", "党员不存在";
    UnknownNeed = "unknown_need", "技术需求不存在";
    UnknownOffer = "unknown_offer", "技术供给不存在";
    UnknownOrg = "unknown_org", "单位不在单位名录中";
    UnknownParent = "unknown_parent", "上级党组织不存在";
    UnknownPartyOrg = "unknown_party_org", "党组织不存在";
    UnknownPool = "unknown_pool", "资金池不存在";
    UnknownProject = "unknown_project", "转化项目不存在";
    UnknownRace = "unknown_race", "赛马不存在";
    UnknownSeries = "unknown_series", "活动系列不存在";
    UnknownStaff = "unknown_staff", "服务人员不存在";
    UnknownTicket = "unknown_ticket", "没有这个票码的报名";
    UnknownUser = "unknown_user", "用户账号不存在";
    UserLinked = "user_linked", "该账号已关联其他服务人员";
    VerdictRequired = "verdict_required", "认定未兑现时须说明理由";
    WeakPassword = "weak_password", "密码强度不足";
    WrongPassword = "wrong_password", "当前密码不正确";
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_snake_case_and_explained() {
        let mut seen = std::collections::BTreeSet::new();
        for c in ErrorCode::ALL {
            let s = c.as_str();
            assert!(seen.insert(s), "{s} twice");
            assert!(
                s.chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_'),
                "{s} is not snake_case"
            );
            let pascal: String = s
                .split('_')
                .map(|p| p[..1].to_uppercase() + &p[1..])
                .collect();
            assert_eq!(c.name(), pascal, "variant name and code differ");
            assert!(c.meaning().chars().count() >= 4, "{s} has no meaning");
        }
    }

    /// Every code in the catalogue is named somewhere in the source outside
    /// it, so the list holds no code a client will never see.
    #[test]
    fn every_code_is_used() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut text = String::new();
        let mut dirs = vec![root];
        while let Some(d) = dirs.pop() {
            for e in std::fs::read_dir(&d).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    dirs.push(p);
                } else if p.extension().is_some_and(|x| x == "rs")
                    && !p.ends_with("domain/src/error_code.rs")
                {
                    text.push_str(&std::fs::read_to_string(&p).unwrap());
                }
            }
        }
        let unused: Vec<_> = ErrorCode::ALL
            .iter()
            .filter(|c| !text.contains(&format!("ErrorCode::{}", c.name())))
            .map(|c| c.as_str())
            .collect();
        assert!(unused.is_empty(), "codes never used: {unused:?}");
    }
}
