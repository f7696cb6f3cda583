//! Names by id (`kechuang_store::names`): of given ids in one table, of
//! every row of a small table, and in creation order for select boxes.

use std::collections::HashMap;

use kechuang_store::chains::{self, ChainInput};
use kechuang_store::departments::{self, DepartmentInput};
use kechuang_store::names;
use kechuang_testkit::spawn_app;

#[tokio::test]
async fn names_of_given_ids_of_a_whole_table_and_in_creation_order() {
    let app = spawn_app().await;
    let db = &app.db;
    let before = names::all_ordered(db, "chains").await.unwrap();
    // Created in an order that is not the order of their names.
    let mut created = vec![];
    for name in ["乙链", "甲链", "丙链"] {
        let c = chains::create(
            db,
            "test",
            ChainInput {
                name: name.into(),
                description: String::new(),
                task_force_department_id: None,
            },
        )
        .await
        .unwrap();
        created.push((c.id, c.name));
    }
    let listed = names::all_ordered(db, "chains").await.unwrap();
    assert_eq!(listed[..before.len()], before[..]);
    assert_eq!(listed[before.len()..], created[..]);
    let all = names::all(db, "chains").await.unwrap();
    assert_eq!(all, listed.into_iter().collect::<HashMap<_, _>>());

    let mut deps = vec![];
    for (i, name) in ["发改委", "经信委"].into_iter().enumerate() {
        let d = departments::create(
            db,
            "test",
            DepartmentInput {
                name: name.into(),
                code: format!("names{i}"),
                parent_id: None,
                sort_order: 0,
                phone: String::new(),
                funding: false,
            },
        )
        .await
        .unwrap();
        deps.push((d.id, d.name));
    }
    // Unknown ids are left out; repeated ids count once; none asks nothing.
    let wanted = [deps[0].0.clone(), deps[0].0.clone(), "no-such-id".into()];
    assert_eq!(
        names::of(db, "departments", wanted).await.unwrap(),
        HashMap::from([deps[0].clone()])
    );
    assert!(names::of(db, "departments", Vec::new())
        .await
        .unwrap()
        .is_empty());
    // More ids than one query takes: the known ones sort after the first
    // chunk of unknown ids, and all are found.
    let mut many: Vec<String> = (0..700).map(|i| format!("!{i:04}")).collect();
    many.extend((0..700).map(|i| format!("~{i:04}")));
    many.extend(deps.iter().map(|(id, _)| id.clone()));
    assert_eq!(
        names::of(db, "departments", many).await.unwrap(),
        deps.iter().cloned().collect::<HashMap<_, _>>()
    );
    // Several tables in one round trip still work as before.
    let found = names::lookup(
        db,
        &[
            ("chains", [created[1].0.clone()].into()),
            ("departments", [deps[1].0.clone()].into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(found["chains"], HashMap::from([created[1].clone()]));
    assert_eq!(found["departments"], HashMap::from([deps[1].clone()]));
}
