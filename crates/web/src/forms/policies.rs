//! Drafts: a policy (政策) as typed in a form, the API or an Excel row.

use kechuang_domain::org::OrgKind;
use kechuang_domain::policies::ApplyWindow;
use kechuang_store::policies::PolicyInput;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::forms::fields::{done, opt, opt_date, required, Checked};
use crate::forms::{too_long, FieldErrors};

/// A policy as typed.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct PolicyDraft {
    /// 政策名称（必填，不超过100字，不能与已有政策同名）
    pub title: String,
    /// 文号，如 渝高新发〔2026〕12号（可空，不超过50字）
    pub doc_number: String,
    /// 牵头部门 id（留空为本人所在部门）
    pub department_id: String,
    /// 适用单位类型：enterprise / university / institute / government / finance /
    /// intermediary / association / other，逗号或顿号分隔，也可填中文（企业、高校……）；
    /// 留空或“不限”为不限
    pub org_kinds: String,
    /// 适用产业链 id（可空：不限产业链）
    pub chain_id: String,
    /// 支持内容（必填，不超过500字），如 按研发投入增量的10%给予补助，最高200万元
    pub support: String,
    /// 申报条件（不超过2000字）
    pub conditions: String,
    /// 申报开始日期，如 2026-03-01（可空：即日起）
    pub opens_on: String,
    /// 申报截止日期（可空：常年申报）
    pub closes_on: String,
}

/// The kinds named in `v` (codes or Chinese labels, separated by commas or
/// 、), in register order; empty or 不限 is every kind (an empty list).
pub fn org_kinds(e: &mut FieldErrors, v: &str) -> Vec<OrgKind> {
    let mut kinds = vec![];
    for w in v
        .split([',', '，', '、', ';', '；'])
        .map(str::trim)
        .filter(|w| !w.is_empty() && *w != "不限")
    {
        match OrgKind::parse(w).or_else(|| OrgKind::parse_label(w)) {
            Some(k) => kinds.push(k),
            None => {
                e.push((
                    "org_kinds",
                    format!("“{w}”不是单位类型，请写企业、高校、科研机构、职能部门、金融机构、中介机构、协会或其他"),
                ));
            }
        }
    }
    OrgKind::ALL
        .into_iter()
        .filter(|k| kinds.contains(k))
        .collect()
}

impl PolicyDraft {
    /// Checked input; an empty department is `default_department` (the
    /// writer's own).
    pub fn validate(&self, default_department: Option<&str>) -> Checked<PolicyInput> {
        let mut e = vec![];
        let title = required(&mut e, "title", "政策名称", &self.title, 100);
        let doc_number = self.doc_number.trim().to_string();
        too_long(&mut e, "doc_number", "文号", &doc_number, 50);
        let department_id = opt(&self.department_id)
            .or_else(|| default_department.map(str::to_string))
            .unwrap_or_default();
        if department_id.is_empty() {
            e.push(("department_id", "请选择牵头部门".into()));
        } else if department_id.chars().count() > 36 {
            e.push(("department_id", "牵头部门不存在，请从部门中选择".into()));
        }
        let org_kinds = org_kinds(&mut e, &self.org_kinds);
        let chain_id = opt(&self.chain_id);
        if chain_id.as_ref().is_some_and(|c| c.chars().count() > 36) {
            e.push(("chain_id", "产业链不存在，请从产业链中选择".into()));
        }
        let support = required(&mut e, "support", "支持内容", &self.support, 500);
        let conditions = self.conditions.trim().to_string();
        too_long(&mut e, "conditions", "申报条件", &conditions, 2000);
        let opens_on = opt_date(&mut e, "opens_on", "申报开始日期", &self.opens_on);
        let closes_on = opt_date(&mut e, "closes_on", "申报截止日期", &self.closes_on);
        let window = ApplyWindow {
            opens_on,
            closes_on,
        };
        if let Err(m) = window.check() {
            e.push(("closes_on", m));
        }
        done(e, || PolicyInput {
            title,
            doc_number,
            department_id,
            org_kinds,
            chain_id,
            support,
            conditions,
            window,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_policy_draft_reads_kinds_in_chinese_and_reports_every_field() {
        let ok = PolicyDraft {
            title: " 研发投入后补助 ".into(),
            org_kinds: "科研机构、企业".into(),
            support: "最高200万元".into(),
            opens_on: "2026年3月1日".into(),
            closes_on: "2026-05-31".into(),
            ..Default::default()
        }
        .validate(Some("d1"))
        .unwrap();
        assert_eq!(ok.title, "研发投入后补助");
        assert_eq!(ok.department_id, "d1");
        assert_eq!(ok.org_kinds, [OrgKind::Enterprise, OrgKind::Institute]);
        let every = PolicyDraft {
            org_kinds: "不限".into(),
            ..ok_draft()
        };
        assert!(every.validate(Some("d1")).unwrap().org_kinds.is_empty());
        let (_, e) = PolicyDraft {
            title: String::new(),
            org_kinds: "企业,农户".into(),
            opens_on: "2026-06-01".into(),
            closes_on: "2026-05-31".into(),
            ..Default::default()
        }
        .validate(None)
        .unwrap_err();
        let fields: Vec<&str> = e.iter().map(|(f, _)| *f).collect();
        assert_eq!(
            fields,
            [
                "title",
                "department_id",
                "org_kinds",
                "support",
                "closes_on"
            ]
        );
    }

    fn ok_draft() -> PolicyDraft {
        PolicyDraft {
            title: "x".into(),
            support: "y".into(),
            ..Default::default()
        }
    }
}
