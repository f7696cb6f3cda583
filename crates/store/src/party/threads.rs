//! Threads between a party-building assistant (党建助手) and an instructor
//! (党建指导员): about an enterprise or a work log, the assistant reports
//! and the instructor answers. Each side has its own read mark, the number
//! of the other side's posts it has seen (posted or opened the thread); the
//! other side's posts beyond it are unread.

use std::collections::HashMap;

use chrono::NaiveDate;
use kechuang_domain::ErrorCode;
use sea_orm::{
    sea_query::OnConflict, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};

use super::staff::{self, StaffRole};
use crate::entities::{staff_post, staff_thread, staff_thread_read};
use crate::like::contains;
use crate::{new_id, now, page, record, Db, Page, PageReq, StoreError, StoreResult};

#[derive(Clone, Debug, PartialEq)]
pub struct ThreadInput {
    pub assistant_id: String,
    pub instructor_id: String,
    pub org_id: Option<String>,
    pub work_log_id: Option<String>,
    pub subject: String,
    /// The first post.
    pub body: String,
}

#[derive(Clone, Debug, Default)]
pub struct ThreadFilter {
    pub q: Option<String>,
    /// Threads this person is a side of.
    pub staff_id: Option<String>,
    /// Threads of any of these assistants.
    pub assistant_ids: Option<Vec<String>>,
    pub org_id: Option<String>,
}

fn filtered(f: &ThreadFilter) -> Select<staff_thread::Entity> {
    use staff_thread::Column as C;
    let mut q = staff_thread::Entity::find();
    if let Some(w) = &f.q {
        q = q.filter(contains(C::Subject, w));
    }
    if let Some(s) = &f.staff_id {
        q = q.filter(
            Condition::any()
                .add(C::AssistantId.eq(s.as_str()))
                .add(C::InstructorId.eq(s.as_str())),
        );
    }
    if let Some(ids) = &f.assistant_ids {
        q = q.filter(C::AssistantId.is_in(ids.clone()));
    }
    if let Some(o) = &f.org_id {
        q = q.filter(C::OrgId.eq(o.as_str()));
    }
    q.order_by_desc(C::CreatedAt).order_by_desc(C::Id)
}

/// A thread with its posts counted, and what the viewer has not read.
#[derive(Clone, Debug)]
pub struct ThreadRow {
    pub thread: staff_thread::Model,
    pub posts: u64,
    pub last_post_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Posts of the other side after the viewer's read mark (0 when the
    /// viewer is not a side of the thread).
    pub unread: u64,
}

async fn rows(
    db: &Db,
    threads: Vec<staff_thread::Model>,
    viewer: Option<&str>,
) -> StoreResult<Vec<ThreadRow>> {
    let ids: Vec<String> = threads.iter().map(|t| t.id.clone()).collect();
    let mut posts: HashMap<String, Vec<(String, chrono::DateTime<chrono::Utc>)>> = HashMap::new();
    let mut reads: HashMap<String, i32> = HashMap::new();
    for chunk in ids.chunks(500) {
        let found: Vec<(String, String, chrono::DateTime<chrono::Utc>)> =
            staff_post::Entity::find()
                .select_only()
                .column(staff_post::Column::ThreadId)
                .column(staff_post::Column::AuthorId)
                .column(staff_post::Column::CreatedAt)
                .filter(staff_post::Column::ThreadId.is_in(chunk.to_vec()))
                .into_tuple()
                .all(db)
                .await?;
        for (t, a, at) in found {
            posts.entry(t).or_default().push((a, at));
        }
        if let Some(v) = viewer {
            for r in staff_thread_read::Entity::find()
                .filter(staff_thread_read::Column::ThreadId.is_in(chunk.to_vec()))
                .filter(staff_thread_read::Column::StaffId.eq(v))
                .all(db)
                .await?
            {
                reads.insert(r.thread_id, r.seen);
            }
        }
    }
    Ok(threads
        .into_iter()
        .map(|t| {
            let ps = posts.remove(&t.id).unwrap_or_default();
            let side = viewer.filter(|v| *v == t.assistant_id || *v == t.instructor_id);
            let unread = side.map_or(0, |v| {
                let theirs = ps.iter().filter(|(a, _)| a != v).count() as u64;
                let seen = reads.get(&t.id).copied().unwrap_or(0).max(0) as u64;
                theirs.saturating_sub(seen)
            });
            ThreadRow {
                posts: ps.len() as u64,
                last_post_at: ps.iter().map(|(_, at)| *at).max(),
                unread,
                thread: t,
            }
        })
        .collect())
}

pub async fn list(
    db: &Db,
    f: &ThreadFilter,
    p: PageReq,
    viewer: Option<&str>,
) -> StoreResult<Page<ThreadRow>> {
    let page = page::fetch(db, filtered(f), p).await?;
    Ok(Page {
        items: rows(db, page.items, viewer).await?,
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    })
}

pub async fn list_all(
    db: &Db,
    f: &ThreadFilter,
    limit: u64,
    viewer: Option<&str>,
) -> StoreResult<Vec<ThreadRow>> {
    let threads = filtered(f).limit(limit).all(db).await?;
    rows(db, threads, viewer).await
}

/// One thread as a row of a list.
pub async fn row(db: &Db, t: staff_thread::Model, viewer: Option<&str>) -> StoreResult<ThreadRow> {
    Ok(rows(db, vec![t], viewer).await?.remove(0))
}

pub async fn get<C: ConnectionTrait>(db: &C, id: &str) -> StoreResult<staff_thread::Model> {
    staff_thread::Entity::find_by_id(id.to_string())
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
}

/// A thread's posts, oldest first.
pub async fn posts<C: ConnectionTrait>(db: &C, id: &str) -> StoreResult<Vec<staff_post::Model>> {
    Ok(staff_post::Entity::find()
        .filter(staff_post::Column::ThreadId.eq(id))
        .order_by_asc(staff_post::Column::CreatedAt)
        .order_by_asc(staff_post::Column::Id)
        .all(db)
        .await?)
}

async fn role_is<C: ConnectionTrait>(
    db: &C,
    id: &str,
    role: StaffRole,
    field: &str,
) -> StoreResult<()> {
    let s = staff::get(db, id)
        .await
        .map_err(|_| StoreError::field(ErrorCode::UnknownStaff, field, "服务人员不存在"))?;
    if s.staff_role != role.as_str() {
        return Err(StoreError::field(
            ErrorCode::ThreadRoles,
            field,
            format!(
                "“{}”是{}，请选择一名{}",
                s.name,
                staff::role_label(&s.staff_role),
                role.label_zh()
            ),
        ));
    }
    Ok(())
}

/// Check that `author` is a side of the thread.
fn side_of(t: &staff_thread::Model, author: &str) -> StoreResult<()> {
    if author != t.assistant_id && author != t.instructor_id {
        return Err(StoreError::rule(
            ErrorCode::NotInThread,
            "只有该沟通的党建助手和党建指导员可以留言",
        ));
    }
    Ok(())
}

async fn add_post<C: ConnectionTrait>(
    tx: &C,
    actor: &str,
    thread_id: &str,
    author: &str,
    body: String,
) -> StoreResult<staff_post::Model> {
    let post = record::insert(
        tx,
        actor,
        staff_post::ActiveModel {
            thread_id: Set(thread_id.into()),
            author_id: Set(author.into()),
            body: Set(body),
            ..Default::default()
        },
    )
    .await?;
    read_mark(tx, thread_id, author).await?;
    Ok(post)
}

/// `staff_id` has seen every post of the other side so far (it is writing
/// in the thread, inside the same transaction).
async fn read_mark<C: ConnectionTrait>(tx: &C, thread_id: &str, staff_id: &str) -> StoreResult<()> {
    let seen = staff_post::Entity::find()
        .filter(staff_post::Column::ThreadId.eq(thread_id))
        .filter(staff_post::Column::AuthorId.ne(staff_id))
        .count(tx)
        .await?;
    upsert_read(tx, thread_id, staff_id, seen).await
}

async fn upsert_read<C: ConnectionTrait>(
    tx: &C,
    thread_id: &str,
    staff_id: &str,
    seen: u64,
) -> StoreResult<()> {
    staff_thread_read::Entity::insert(staff_thread_read::ActiveModel {
        id: Set(new_id()),
        thread_id: Set(thread_id.into()),
        staff_id: Set(staff_id.into()),
        seen: Set(i32::try_from(seen).unwrap_or(i32::MAX)),
        read_at: Set(now()),
    })
    .on_conflict(
        OnConflict::columns([
            staff_thread_read::Column::ThreadId,
            staff_thread_read::Column::StaffId,
        ])
        .update_columns([
            staff_thread_read::Column::Seen,
            staff_thread_read::Column::ReadAt,
        ])
        .to_owned(),
    )
    .exec_without_returning(tx)
    .await?;
    Ok(())
}

/// Start a thread; `author` (the assistant or the instructor) writes its first post.
pub async fn create(
    db: &Db,
    actor: &str,
    author: &str,
    i: ThreadInput,
) -> StoreResult<staff_thread::Model> {
    let tx = crate::db::begin_write(db).await?;
    role_is(&tx, &i.assistant_id, StaffRole::Assistant, "assistant_id").await?;
    role_is(
        &tx,
        &i.instructor_id,
        StaffRole::Instructor,
        "instructor_id",
    )
    .await?;
    if let Some(o) = &i.org_id {
        crate::orgs::require_org(&tx, o, "企业").await?;
    }
    if let Some(l) = &i.work_log_id {
        staff::get_log(&tx, l).await.map_err(|_| {
            StoreError::field(ErrorCode::InvalidInput, "work_log_id", "工作记录不存在")
        })?;
    }
    let t = record::insert(
        &tx,
        actor,
        staff_thread::ActiveModel {
            assistant_id: Set(i.assistant_id),
            instructor_id: Set(i.instructor_id),
            org_id: Set(i.org_id),
            work_log_id: Set(i.work_log_id),
            subject: Set(i.subject),
            started_by: Set(actor.into()),
            ..Default::default()
        },
    )
    .await?;
    side_of(&t, author)?;
    add_post(&tx, actor, &t.id, author, i.body).await?;
    tx.commit().await?;
    Ok(t)
}

/// Answer in a thread (only its two sides may).
pub async fn post(
    db: &Db,
    actor: &str,
    thread_id: &str,
    author: &str,
    body: String,
) -> StoreResult<staff_post::Model> {
    let tx = crate::db::begin_write(db).await?;
    let t = get(&tx, thread_id).await?;
    side_of(&t, author)?;
    let p = add_post(&tx, actor, thread_id, author, body).await?;
    tx.commit().await?;
    Ok(p)
}

/// The viewer has read the thread as shown to it: `seen` posts of the other
/// side (counted from the posts the viewer was given, so a post arriving
/// meanwhile stays unread). Nothing happens for others.
pub async fn mark_read(
    db: &Db,
    t: &staff_thread::Model,
    viewer: &str,
    seen: usize,
) -> StoreResult<()> {
    if side_of(t, viewer).is_err() {
        return Ok(());
    }
    let tx = crate::db::begin_write(db).await?;
    upsert_read(&tx, &t.id, viewer, seen as u64).await?;
    tx.commit().await?;
    Ok(())
}

/// Posts in the period of the threads of these assistants: (thread, posts in the period).
pub async fn activity(
    db: &Db,
    assistant_ids: &[String],
    from: NaiveDate,
    to: NaiveDate,
) -> StoreResult<Vec<(ThreadRow, u64)>> {
    if assistant_ids.is_empty() {
        return Ok(vec![]);
    }
    let threads = list_all(
        db,
        &ThreadFilter {
            assistant_ids: Some(assistant_ids.to_vec()),
            ..Default::default()
        },
        10_000,
        None,
    )
    .await?;
    let ids: Vec<String> = threads.iter().map(|t| t.thread.id.clone()).collect();
    let (start, end) = crate::clock::beijing_day_bounds(from, to);
    let mut n: HashMap<String, u64> = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<String> = staff_post::Entity::find()
            .select_only()
            .column(staff_post::Column::ThreadId)
            .filter(staff_post::Column::ThreadId.is_in(chunk.to_vec()))
            .filter(staff_post::Column::CreatedAt.gte(start))
            .filter(staff_post::Column::CreatedAt.lt(end))
            .into_tuple()
            .all(db)
            .await?;
        for t in rows {
            *n.entry(t).or_default() += 1;
        }
    }
    Ok(threads
        .into_iter()
        .filter_map(|t| {
            let k = n.get(&t.thread.id).copied()?;
            Some((t, k))
        })
        .collect())
}
