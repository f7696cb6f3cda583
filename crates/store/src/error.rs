use kechuang_domain::ErrorCode;
use sea_orm::{DbErr, SqlErr};

/// What can go wrong in the store, in terms the web layer maps to HTTP.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("记录不存在")]
    NotFound,
    /// A unique key is taken, or a stale version was written (HTTP 409).
    #[error("{message}")]
    Conflict { code: ErrorCode, message: String },
    /// The caller may not do this to this record, as read in the
    /// transaction (HTTP 403), e.g. a clerk of another department.
    #[error("{message}")]
    Forbidden { code: ErrorCode, message: String },
    /// A business rule forbids the change (HTTP 422).
    #[error("{message}")]
    Rule { code: ErrorCode, message: String },
    /// A business rule refuses one input field (HTTP 422, with the field
    /// named so a form can show the message beside it).
    #[error("{message}")]
    Field {
        code: ErrorCode,
        field: String,
        message: String,
    },
    #[error("数据库错误：{0}")]
    Db(DbErr),
}

pub type StoreResult<T> = Result<T, StoreError>;

impl From<DbErr> for StoreError {
    fn from(e: DbErr) -> Self {
        if let Some(SqlErr::UniqueConstraintViolation(detail)) = e.sql_err() {
            // The database's text names tables and keys: logged, never shown.
            tracing::info!(%detail, "unique key taken");
            return StoreError::Conflict {
                code: ErrorCode::Duplicate,
                message: "记录重复：已有相同的记录，请检查后修改".into(),
            };
        }
        StoreError::Db(e)
    }
}

impl StoreError {
    pub fn stale() -> Self {
        StoreError::Conflict {
            code: ErrorCode::StaleVersion,
            message: "该记录已被他人修改，请刷新后重试".into(),
        }
    }
    pub fn rule(code: ErrorCode, message: impl Into<String>) -> Self {
        StoreError::Rule {
            code,
            message: message.into(),
        }
    }

    /// A rule broken by one input field (shown beside it in a form).
    pub fn field(code: ErrorCode, field: &str, message: impl Into<String>) -> Self {
        StoreError::Field {
            code,
            field: field.into(),
            message: message.into(),
        }
    }
}
