//! Drafts: alliances and associations (联盟 · 协会), their members joining
//! and leaving, a member list row of an Excel import, and a firm's settling
//! day on a chain (落户).

use chrono::NaiveDate;
use kechuang_domain::events::{AllianceKind, Membership, Sector};
use kechuang_domain::uscc::Uscc;
use kechuang_store::alliances::{AllianceInput, JoinInput, MemberImportRow, OrgRef};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::forms::fields::{date, done, opt, opt_date, required, Checked};
use crate::forms::{too_long, FieldErrors};

/// An alliance or association as typed.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct AllianceDraft {
    /// 名称（不超过100字）
    pub name: String,
    /// alliance（联盟）或 association（协会），也可填中文
    pub kind: String,
    /// 成立日期，如 2024-01-01（可空）
    pub founded_on: String,
    /// 秘书处单位 id（单位名录，可空）
    pub secretariat_org_id: String,
    /// 所属产业链 id（可空）
    pub chain_id: String,
    /// 简介（不超过2000字）
    pub description: String,
}

fn kind_of(e: &mut FieldErrors, s: &str) -> AllianceKind {
    let t = s.trim();
    match AllianceKind::parse(t).or_else(|| {
        AllianceKind::ALL
            .iter()
            .copied()
            .find(|k| k.label_zh() == t)
    }) {
        Some(k) => k,
        None => {
            e.push(("kind", "请选择类型：联盟或协会".into()));
            AllianceKind::Alliance
        }
    }
}

fn sector_of(e: &mut FieldErrors, s: &str) -> Option<Sector> {
    match s.trim() {
        "" => None,
        t => match Sector::parse_any(t) {
            Some(x) => Some(x),
            None => {
                e.push((
                    "sector",
                    "类别只能是政、产、学、研、金、介之一（或留空按单位类型确定）".into(),
                ));
                None
            }
        },
    }
}

fn id_of(e: &mut FieldErrors, field: &'static str, label: &str, v: &str) -> Option<String> {
    let v = opt(v);
    if v.as_ref().is_some_and(|s| s.chars().count() > 36) {
        e.push((field, format!("{label}不存在，请从列表中选择")));
    }
    v
}

impl AllianceDraft {
    pub fn validate(&self) -> Checked<AllianceInput> {
        let mut e = vec![];
        let name = required(&mut e, "name", "名称", &self.name, 100);
        let kind = kind_of(&mut e, &self.kind);
        let founded_on = opt_date(&mut e, "founded_on", "成立日期", &self.founded_on);
        let secretariat_org_id = id_of(
            &mut e,
            "secretariat_org_id",
            "秘书处单位",
            &self.secretariat_org_id,
        );
        let chain_id = id_of(&mut e, "chain_id", "产业链", &self.chain_id);
        let description = self.description.trim().to_string();
        too_long(&mut e, "description", "简介", &description, 2000);
        done(e, || AllianceInput {
            name,
            kind,
            founded_on,
            secretariat_org_id,
            chain_id,
            description,
        })
    }

    pub fn from_model(m: &kechuang_store::entities::alliance::Model) -> Self {
        AllianceDraft {
            name: m.name.clone(),
            kind: m.kind.clone(),
            founded_on: m.founded_on.map(|d| d.to_string()).unwrap_or_default(),
            secretariat_org_id: m.secretariat_org_id.clone().unwrap_or_default(),
            chain_id: m.chain_id.clone().unwrap_or_default(),
            description: m.description.clone(),
        }
    }
}

/// An organisation of the register joining.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct AllianceJoinDraft {
    /// 单位 id（单位名录）
    pub org_id: String,
    /// 类别：gov/industry/academia/research/finance/intermediary 或 政产学研金介；
    /// 留空则按单位类型确定（协会等须填写）
    pub sector: String,
    /// 加入日期，如 2025-03-01
    pub joined_on: String,
}

impl AllianceJoinDraft {
    pub fn validate(&self) -> Checked<JoinInput> {
        let mut e = vec![];
        let org_id = id_of(&mut e, "org_id", "单位", &self.org_id).unwrap_or_default();
        if org_id.is_empty() {
            e.push(("org_id", "请选择单位".into()));
        }
        let sector = sector_of(&mut e, &self.sector);
        let joined_on = date(&mut e, "joined_on", "加入日期", &self.joined_on);
        done(e, || JoinInput {
            org_id,
            sector,
            joined_on,
        })
    }
}

/// A member leaving.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct AllianceExitDraft {
    /// 退出日期（自该日起不再是成员），如 2026-01-01
    pub left_on: String,
}

impl AllianceExitDraft {
    pub fn validate(&self) -> Checked<NaiveDate> {
        let mut e = vec![];
        let d = date(&mut e, "left_on", "退出日期", &self.left_on);
        done(e, || d)
    }
}

/// One row of a member list (Excel import).
#[derive(Clone, Debug, Default)]
pub struct MemberRowDraft {
    /// The credit code of an organisation of the register.
    pub uscc: String,
    pub sector: String,
    pub joined_on: String,
    pub left_on: String,
}

impl MemberRowDraft {
    pub fn validate(&self) -> Checked<MemberImportRow> {
        let mut e = vec![];
        let org = match self.uscc.trim() {
            "" => {
                e.push(("uscc", "请填写成员单位的统一社会信用代码".into()));
                None
            }
            s => match Uscc::parse(s) {
                Ok(u) => Some(OrgRef::Uscc(u)),
                Err(err) => {
                    e.push(("uscc", err.to_string()));
                    None
                }
            },
        };
        let sector = sector_of(&mut e, &self.sector);
        let joined_on = date(&mut e, "joined_on", "加入日期", &self.joined_on);
        let left_on = opt_date(&mut e, "left_on", "退出日期", &self.left_on);
        if let Err(x) = (Membership { joined_on, left_on }).check() {
            if e.iter().all(|(f, _)| *f != "joined_on" && *f != "left_on") {
                e.push(("left_on", x.message));
            }
        }
        done(e, || MemberImportRow {
            org: org.unwrap_or(OrgRef::Id(String::new())),
            sector,
            joined_on,
            left_on,
        })
    }
}

/// A firm's settling day on a chain (落户).
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ChainSettledDraft {
    /// 落户日期，如 2025-06-01；留空则清除
    pub settled_on: String,
}

impl ChainSettledDraft {
    pub fn validate(&self) -> Checked<Option<NaiveDate>> {
        let mut e = vec![];
        let d = opt_date(&mut e, "settled_on", "落户日期", &self.settled_on);
        if d.is_some_and(|d| d > kechuang_store::clock::today()) {
            e.push(("settled_on", "落户日期不能晚于今天".into()));
        }
        done(e, || d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_alliance_draft_reports_every_field() {
        let d = AllianceDraft {
            name: "x".repeat(101),
            kind: "club".into(),
            founded_on: "someday".into(),
            ..Default::default()
        };
        let (_, e) = d.validate().unwrap_err();
        let fields: Vec<&str> = e.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["name", "kind", "founded_on"]);
        let ok = AllianceDraft {
            name: " 集成电路人才联盟 ".into(),
            kind: "联盟".into(),
            founded_on: "2024年3月1日".into(),
            ..Default::default()
        }
        .validate()
        .unwrap();
        assert_eq!(ok.name, "集成电路人才联盟");
        assert_eq!(ok.kind, AllianceKind::Alliance);
        assert_eq!(ok.chain_id, None);
    }

    #[test]
    fn a_member_row_takes_sector_characters_and_checks_its_period() {
        let code = kechuang_domain::uscc::complete("91500000MA0000001").unwrap();
        let r = MemberRowDraft {
            uscc: code.as_str().into(),
            sector: "学".into(),
            joined_on: "2025-01-01".into(),
            left_on: String::new(),
        }
        .validate()
        .unwrap();
        assert_eq!(r.sector, Some(Sector::Academia));
        let (_, e) = MemberRowDraft {
            uscc: "123".into(),
            sector: "农".into(),
            joined_on: "2025-01-01".into(),
            left_on: "2024-01-01".into(),
        }
        .validate()
        .unwrap_err();
        let fields: Vec<&str> = e.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["uscc", "sector", "left_on"]);
    }
}
