//! Case categories (诉求分类), as shown and as an administrator edits them.

use kechuang_domain::ErrorCode;
use kechuang_store::cases;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{ApiError, ApiResult};

#[derive(Serialize, ToSchema)]
pub struct CategoryView {
    pub id: String,
    pub code: String,
    pub name: String,
    /// 路由规则：该分类的主办部门
    pub lead_department_id: Option<String>,
    /// 办理时限（工作日）
    pub time_limit_days: i32,
    /// 部门任务时限（工作日）
    pub task_limit_days: i32,
    /// 到期前预警（工作日）
    pub warn_days: i32,
    /// 答复后多少个工作日未评价即按“逾期未评价”办结
    pub rating_days: i32,
    pub sort_order: i32,
    pub active: bool,
    pub version: i32,
}

impl From<kechuang_store::entities::case_category::Model> for CategoryView {
    fn from(c: kechuang_store::entities::case_category::Model) -> Self {
        CategoryView {
            id: c.id,
            code: c.code,
            name: c.name,
            lead_department_id: c.lead_department_id,
            time_limit_days: c.time_limit_days,
            task_limit_days: c.task_limit_days,
            warn_days: c.warn_days,
            rating_days: c.rating_days,
            sort_order: c.sort_order,
            active: c.active,
            version: c.version,
        }
    }
}

/// A category as an administrator edits it.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct CategoryDraft {
    pub code: String,
    pub name: String,
    pub lead_department_id: Option<String>,
    pub time_limit_days: i32,
    pub task_limit_days: i32,
    pub warn_days: i32,
    pub rating_days: i32,
    pub sort_order: i32,
    pub active: Option<bool>,
}

impl CategoryDraft {
    pub fn validate(self) -> ApiResult<cases::CategoryInput> {
        let code = self.code.trim().to_string();
        let name = self.name.trim().to_string();
        let mut e = vec![];
        if code.is_empty()
            || code.len() > 30
            || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            e.push((
                "code",
                "分类编码为必填，只能含字母、数字和下划线".to_string(),
            ));
        }
        if name.is_empty() || name.chars().count() > 50 {
            e.push(("name", "请填写分类名称（不超过50字）".to_string()));
        }
        if !e.is_empty() {
            return Err(ApiError::invalid(ErrorCode::InvalidInput, &e));
        }
        Ok(cases::CategoryInput {
            code,
            name,
            lead_department_id: self.lead_department_id.filter(|d| !d.trim().is_empty()),
            time_limit_days: self.time_limit_days,
            task_limit_days: self.task_limit_days,
            warn_days: self.warn_days,
            rating_days: self.rating_days,
            sort_order: self.sort_order,
            active: self.active.unwrap_or(true),
        })
    }
}

#[derive(Deserialize, ToSchema)]
pub struct CategoryUpdate {
    pub version: i32,
    #[serde(flatten)]
    pub category: CategoryDraft,
}
