//! Demo: Major projects claimed by party talents (揭榜挂帅) and their original results (原创性成果).
//!
//! 40 claimed projects at city level or above (6 national, 14 provincial,
//! 20 city), taken on between 2023 and 2026 by teams of party talents —
//! 200+ talents in all — and 45 original results, the first of them the
//! article's "国内首款自研海域态势融合感知软件". Claims are attached to the
//! party organisations of the network demo when there are any.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use kechuang_store::party::claims::{
    self, ClaimInput, ClaimLevel, ClaimState, ResultInput, ResultKind,
};
use kechuang_store::party::network;
use kechuang_store::{at_time, Db};

const ACTOR: &str = "demo";

fn at(d: NaiveDate) -> chrono::DateTime<Utc> {
    Utc.from_utc_datetime(&d.and_hms_opt(2, 0, 0).expect("valid time"))
}

/// (project, team, leader, short name of its result)
const CLAIMS: [(&str, &str, &str, &str); 40] = [
    (
        "海域态势融合感知关键技术研究",
        "金凤实验室海洋感知团队",
        "林海峰",
        "海域态势融合感知软件",
    ),
    (
        "车规级碳化硅功率器件研制",
        "西永微电园功率半导体党员突击队",
        "王建华",
        "碳化硅MOSFET",
    ),
    (
        "固态电池界面稳定性攻关",
        "明月湖实验室新能源团队",
        "李晓燕",
        "硫化物固态电解质",
    ),
    (
        "智能网联汽车线控底盘研发",
        "长安科技党员创新工作室",
        "张志远",
        "线控制动系统",
    ),
    (
        "工业软件几何内核研发",
        "人工智能产业链党委攻关组",
        "刘丽萍",
        "三维几何建模内核",
    ),
    (
        "肿瘤早筛多组学检测技术",
        "生物医药专班党员攻关队",
        "陈海涛",
        "早筛检测试剂盒",
    ),
    (
        "高精度MEMS惯性导航芯片",
        "联合微电子党支部攻关组",
        "杨雪梅",
        "MEMS陀螺仪芯片",
    ),
    (
        "大功率液冷超充技术",
        "充电基础设施党员先锋队",
        "黄国栋",
        "液冷超充终端",
    ),
    (
        "存算一体AI加速芯片",
        "集成电路产业链党委攻关组",
        "赵婷",
        "存算一体芯片",
    ),
    (
        "类器官药物筛选平台构建",
        "重庆医科大学党员科研团队",
        "吴明轩",
        "类器官筛选平台",
    ),
    (
        "氢燃料电池低铂催化剂",
        "中科院重庆院党员攻关组",
        "周思源",
        "低铂膜电极",
    ),
    (
        "城市数字孪生渲染引擎",
        "数字经济党员创新团队",
        "徐嘉怡",
        "实时渲染引擎",
    ),
    (
        "毫米波雷达片上天线",
        "重庆邮电大学党员科研团队",
        "孙文博",
        "片上天线模组",
    ),
    (
        "动力电池健康状态评估",
        "电池回收党员攻关组",
        "王志远",
        "电池健康评估系统",
    ),
    (
        "单抗连续流生产工艺",
        "生物药中试平台党支部",
        "李丽萍",
        "连续流生产工艺",
    ),
    (
        "工业视觉缺陷检测大模型",
        "工业互联网党员突击队",
        "张海涛",
        "视觉检测大模型",
    ),
    (
        "第三代半导体外延缺陷控制",
        "化合物半导体党员攻关组",
        "刘雪梅",
        "外延片缺陷控制工艺",
    ),
    (
        "轮毂电机一体化驱动",
        "新能源汽车专班党员攻关队",
        "陈国栋",
        "轮毂电机总成",
    ),
    (
        "中药活性成分高通量分离",
        "西南大学党员科研团队",
        "杨婷",
        "高通量分离装置",
    ),
    (
        "隐私计算联邦学习平台",
        "数据要素党员创新工作室",
        "黄明轩",
        "联邦学习平台",
    ),
    (
        "光刻胶高纯树脂合成",
        "电子材料党员攻关组",
        "赵思源",
        "光刻胶树脂",
    ),
    (
        "车路协同边缘计算单元",
        "智慧交通党员先锋队",
        "吴嘉怡",
        "路侧边缘计算单元",
    ),
    (
        "可降解镁合金心血管支架",
        "医疗器械党员攻关组",
        "周文博",
        "镁合金支架",
    ),
    (
        "基因编辑细胞治疗工艺",
        "细胞治疗党员科研团队",
        "徐建华",
        "细胞制备工艺",
    ),
    (
        "工业机器人力控打磨",
        "智能制造党员创新工作室",
        "孙晓燕",
        "力控打磨系统",
    ),
    (
        "硅光互连高速收发芯片",
        "光电子党员攻关组",
        "王海涛",
        "硅光收发芯片",
    ),
    (
        "钠离子电池正极材料",
        "储能材料党员攻关队",
        "李国栋",
        "钠电正极材料",
    ),
    (
        "电网负荷预测时序大模型",
        "能源数字化党员团队",
        "张婷",
        "负荷预测模型",
    ),
    (
        "北斗高精度定位模组",
        "卫星应用党员攻关组",
        "刘明轩",
        "高精度定位模组",
    ),
    (
        "智能座舱多模态交互",
        "智能座舱党员创新团队",
        "陈思源",
        "多模态交互系统",
    ),
    (
        "生物可降解材料改性",
        "新材料党员攻关队",
        "杨嘉怡",
        "可降解改性材料",
    ),
    (
        "量子精密测量传感器",
        "量子科技党员科研团队",
        "黄文博",
        "量子磁力计",
    ),
    (
        "超高清视频编解码芯片",
        "视频芯片党员攻关组",
        "赵建华",
        "视频编解码芯片",
    ),
    (
        "智慧农业遥感监测",
        "农业科技党员服务队",
        "吴晓燕",
        "遥感监测平台",
    ),
    (
        "航空发动机叶片增材制造",
        "航空航天党员攻关组",
        "周志远",
        "叶片增材制造工艺",
    ),
    (
        "中医药智能辨证系统",
        "中医药党员创新团队",
        "徐丽萍",
        "智能辨证系统",
    ),
    (
        "高性能碳纤维复合材料",
        "复合材料党员攻关队",
        "孙海涛",
        "碳纤维预浸料",
    ),
    (
        "无人机集群协同控制",
        "低空经济党员突击队",
        "王雪梅",
        "集群协同控制软件",
    ),
    (
        "脑机接口柔性电极",
        "脑科学党员科研团队",
        "李国栋",
        "柔性电极阵列",
    ),
    (
        "开源鸿蒙工业操作系统适配",
        "软件产业党员攻关组",
        "张明轩",
        "工业操作系统发行版",
    ),
];

fn level(k: usize) -> ClaimLevel {
    match k % 20 {
        0 | 7 | 14 => ClaimLevel::National,
        1 | 4 | 8 | 11 | 15 | 18 | 19 => ClaimLevel::Province,
        _ => ClaimLevel::City,
    }
}

/// 15 done (two results each), 15 in progress (one result), 10 just claimed.
fn state(k: usize) -> ClaimState {
    match k {
        0..=14 => ClaimState::Done,
        15..=29 => ClaimState::InProgress,
        _ => ClaimState::Claimed,
    }
}

pub async fn load(db: &Db) -> anyhow::Result<()> {
    let party_orgs = network::choices(db).await?;
    let start = NaiveDate::from_ymd_opt(2023, 3, 6).expect("valid date");
    for (k, (title, team, leader, result)) in CLAIMS.iter().enumerate() {
        let claimed_on = start + Duration::days(k as i64 * 31);
        let st = state(k);
        let input = ClaimInput {
            title: (*title).into(),
            level: level(k),
            team: (*team).into(),
            leader: (*leader).into(),
            participants: 4 + ((k * 7) % 6) as i32,
            party_org_id: (!party_orgs.is_empty())
                .then(|| party_orgs[(k * 5 + 1) % party_orgs.len()].0.clone()),
            state: ClaimState::Claimed,
            claimed_on,
        };
        let c = at_time(at(claimed_on), claims::create(db, ACTOR, input.clone())).await?;
        let last = NaiveDate::from_ymd_opt(2026, 11, 20).expect("valid date");
        let mut c = c;
        if st != ClaimState::Claimed {
            let moved = (claimed_on + Duration::days(60)).min(last);
            let change = ClaimInput {
                state: ClaimState::InProgress,
                ..input.clone()
            };
            c = at_time(
                at(moved),
                claims::update(db, ACTOR, &c.id, c.version, change),
            )
            .await?;
        }
        let results: Vec<(String, ResultKind, NaiveDate)> = match st {
            ClaimState::Done => vec![
                (
                    if k == 0 {
                        "国内首款自研海域态势融合感知软件".to_string()
                    } else {
                        format!("{result}（原创性成果）")
                    },
                    if k == 0 {
                        ResultKind::Software
                    } else {
                        kind(k)
                    },
                    claimed_on + Duration::days(240),
                ),
                (
                    format!("{result}核心发明专利"),
                    ResultKind::Patent,
                    claimed_on + Duration::days(300),
                ),
            ],
            ClaimState::InProgress => vec![(
                format!("{result}原理样机"),
                kind(k),
                claimed_on + Duration::days(150),
            )],
            ClaimState::Claimed => vec![],
        };
        for (t, kind, on) in results {
            let on = on.min(last);
            let r = ResultInput {
                title: t,
                kind,
                achieved_on: on,
            };
            at_time(at(on), claims::add_result(db, ACTOR, &c.id, r)).await?;
        }
        if st == ClaimState::Done {
            let finished = (claimed_on + Duration::days(330)).min(last);
            let change = ClaimInput {
                state: ClaimState::Done,
                ..input
            };
            at_time(
                at(finished),
                claims::update(db, ACTOR, &c.id, c.version, change),
            )
            .await?;
        }
    }
    Ok(())
}

fn kind(k: usize) -> ResultKind {
    [
        ResultKind::Product,
        ResultKind::Technology,
        ResultKind::Software,
        ResultKind::Standard,
    ][k % 4]
}
