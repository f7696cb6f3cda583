//! Drafts: Member responsibility zones (党员责任区): their members and the organisations they cover.

use kechuang_store::party::zones::ZoneInput;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::forms::fields::{done, required, Checked};
use crate::forms::too_long;

/// A responsibility zone as typed.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ZoneDraft {
    /// 责任区名称
    pub name: String,
    /// 所属党组织 id
    pub party_org_id: String,
    /// 责任区负责人
    pub leader: String,
    /// 责任范围（区域、楼宇、园区、服务对象）
    pub area: String,
}

impl ZoneDraft {
    pub fn validate(&self) -> Checked<ZoneInput> {
        let mut e = vec![];
        let name = required(&mut e, "name", "责任区名称", &self.name, 100);
        if self.party_org_id.trim().is_empty() {
            e.push(("party_org_id", "请选择所属党组织".into()));
        }
        let leader = required(&mut e, "leader", "负责人", &self.leader, 50);
        too_long(&mut e, "area", "责任范围", self.area.trim(), 2000);
        done(e, || ZoneInput {
            name,
            party_org_id: self.party_org_id.trim().into(),
            leader,
            area: self.area.trim().into(),
        })
    }

    pub fn from_model(m: &kechuang_store::entities::zone::Model) -> Self {
        ZoneDraft {
            name: m.name.clone(),
            party_org_id: m.party_org_id.clone(),
            leader: m.leader.clone(),
            area: m.area.clone(),
        }
    }
}

/// A party member to add to a zone.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ZoneMemberDraft {
    /// 党员 id（须属于责任区所在党组织或其下级组织）
    pub member_id: String,
}

impl ZoneMemberDraft {
    pub fn validate(&self) -> Checked<String> {
        let mut e = vec![];
        let id = self.member_id.trim().to_string();
        if id.is_empty() {
            e.push(("member_id", "请选择党员".into()));
        }
        done(e, || id)
    }
}

/// An organisation of the register the zone covers.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ZoneOrgDraft {
    /// 单位 id（单位名录）
    pub org_id: String,
}

impl ZoneOrgDraft {
    pub fn validate(&self) -> Checked<String> {
        let mut e = vec![];
        let id = self.org_id.trim().to_string();
        if id.is_empty() {
            e.push(("org_id", "请选择单位".into()));
        }
        done(e, || id)
    }
}
