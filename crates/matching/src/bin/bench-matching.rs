//! Benchmark of the matching engine (prints figures; never a timed test).
//!
//! Generates 100,000 synthetic Chinese offers from term lists of seven
//! chains (deterministic seed, SplitMix64), builds the index, then runs
//! 1,000 need queries (top 10 offers each) and prints the build time and
//! the p50 / p95 / p99 query latency; also single upserts and removals on
//! the full index. Targets from the issue: build < 60 s, query p99 < 20 ms.
//!
//! `cargo run --release -p kechuang-matching --bin bench-matching [-- OFFERS QUERIES]`

use std::time::{Duration, Instant};

use kechuang_matching::{Engine, Filters, Mode, Modes, Need, Offer};

/// SplitMix64.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

/// A chain's vocabulary: what the results are about, what is done to them,
/// what they are for.
struct Chain {
    field: &'static str,
    subjects: &'static [&'static str],
    methods: &'static [&'static str],
    uses: &'static [&'static str],
}

const CHAINS: [Chain; 7] = [
    Chain {
        field: "智能网联新能源汽车",
        subjects: &[
            "固态电池",
            "固态电解质",
            "磷酸锰铁锂",
            "硅碳负极",
            "钠离子电池",
            "电解液",
            "隔膜",
            "电池包",
            "电池管理系统",
            "扁线电机",
            "电机控制器",
            "三合一电驱",
            "充电桩",
            "换电站",
            "储能系统",
            "液流电池",
            "激光雷达",
            "毫米波雷达",
            "域控制器",
            "线控制动",
            "热泵空调",
            "一体化压铸",
            "膜电极",
            "双极板",
            "电堆",
            "储氢瓶",
            "电解槽",
        ],
        methods: &[
            "低成本制备",
            "高安全设计",
            "快充",
            "热失控预警",
            "结构优化",
            "干法电极",
            "湿法回收",
            "梯次利用",
            "多传感器融合",
            "轻量化",
            "高压平台",
            "循环寿命提升",
            "能量密度提升",
        ],
        uses: &[
            "新能源汽车",
            "电动汽车",
            "商用车",
            "两轮电动车",
            "工商业储能",
            "电网调峰",
            "换电运营",
            "自动驾驶",
            "辅助驾驶",
            "燃料电池汽车",
        ],
    },
    Chain {
        field: "集成电路",
        subjects: &[
            "光刻胶",
            "溅射靶材",
            "电子特气",
            "湿电子化学品",
            "大硅片",
            "碳化硅",
            "氮化镓",
            "IGBT",
            "MOSFET",
            "射频前端",
            "滤波器",
            "电源管理芯片",
            "MCU",
            "FPGA",
            "SoC",
            "RISC-V处理器",
            "EDA工具",
            "探针卡",
            "扇出型封装",
            "晶圆级封装",
            "Chiplet",
            "硅通孔",
            "MEMS传感器",
            "图像传感器",
            "存储芯片",
        ],
        methods: &[
            "国产替代",
            "先进制程",
            "工艺优化",
            "良率提升",
            "可靠性验证",
            "失效分析",
            "纯化",
            "外延生长",
            "流片验证",
            "异构集成",
            "低功耗设计",
            "车规级认证",
        ],
        uses: &[
            "晶圆制造",
            "封装测试",
            "新能源汽车",
            "光伏逆变器",
            "快充电源",
            "数据中心",
            "物联网终端",
            "5G通信",
            "工业控制",
            "消费电子",
        ],
    },
    Chain {
        field: "生物医药",
        subjects: &[
            "小分子药物",
            "单克隆抗体",
            "双特异性抗体",
            "抗体偶联药物",
            "mRNA疫苗",
            "脂质纳米颗粒",
            "CAR-T",
            "基因编辑",
            "AAV病毒载体",
            "干细胞",
            "重组蛋白",
            "原料药",
            "缓释制剂",
            "化学发光",
            "数字PCR",
            "高通量测序",
            "微流控芯片",
            "手术机器人",
            "心脏支架",
            "骨科植入物",
            "超声影像",
            "内窥镜",
            "中药配方颗粒",
        ],
        methods: &[
            "临床前研究",
            "工艺开发",
            "质量控制",
            "一致性评价",
            "药物筛选",
            "靶向递送",
            "规模化生产",
            "注册申报",
            "多中心临床",
            "提取纯化",
        ],
        uses: &[
            "抗肿瘤",
            "自身免疫",
            "遗传病",
            "心血管",
            "骨科",
            "基层医疗",
            "肿瘤早筛",
            "传染病防控",
            "慢病管理",
        ],
    },
    Chain {
        field: "新材料",
        subjects: &[
            "碳纤维",
            "碳纤维复合材料",
            "芳纶",
            "超高分子量聚乙烯",
            "高温合金",
            "钛合金",
            "铝合金",
            "镁合金",
            "钕铁硼",
            "氮化硅陶瓷",
            "氧化锆",
            "聚酰亚胺",
            "聚醚醚酮",
            "聚乳酸",
            "石墨烯",
            "碳纳米管",
            "气凝胶",
            "导热界面材料",
            "防腐涂层",
            "电磁屏蔽膜",
        ],
        methods: &[
            "低成本制备",
            "改性",
            "成型工艺",
            "热处理",
            "表面处理",
            "连续化生产",
            "回收利用",
            "配方设计",
            "粉末冶金",
        ],
        uses: &[
            "航空航天",
            "汽车轻量化",
            "风电叶片",
            "电子散热",
            "柔性电路板",
            "海洋工程",
            "医疗植入",
            "包装材料",
            "动力电池",
        ],
    },
    Chain {
        field: "智能制造",
        subjects: &[
            "工业机器人",
            "协作机器人",
            "移动机器人",
            "谐波减速器",
            "RV减速器",
            "伺服电机",
            "机器视觉",
            "缺陷检测",
            "结构光",
            "工业相机",
            "工业互联网平台",
            "MES",
            "数字孪生",
            "预测性维护",
            "边缘计算",
            "数控机床",
            "五轴联动",
            "金属3D打印",
            "激光焊接",
            "激光清洗",
            "无损检测",
        ],
        methods: &[
            "在线检测",
            "离线编程",
            "精度补偿",
            "数据采集",
            "故障诊断",
            "柔性产线",
            "国产化",
            "智能排产",
            "质量追溯",
        ],
        uses: &[
            "汽车零部件",
            "锂电池产线",
            "电子组装",
            "工程机械",
            "航空航天",
            "钢结构",
            "仓储物流",
            "注塑",
            "机加工",
        ],
    },
    Chain {
        field: "光电子",
        subjects: &[
            "光纤激光器",
            "飞秒激光",
            "半导体激光器",
            "柔性显示",
            "OLED",
            "MicroLED",
            "MiniLED",
            "量子点",
            "光模块",
            "硅光芯片",
            "光纤传感",
            "钙钛矿电池",
            "异质结",
            "TOPCon",
            "红外探测器",
            "光波导",
            "光谱仪",
        ],
        methods: &[
            "巨量转移",
            "薄膜封装",
            "金属化",
            "外延生长",
            "精密加工",
            "低银耗",
            "叠层",
            "高速调制",
            "分布式测温",
        ],
        uses: &[
            "显示面板",
            "数据中心",
            "光伏电站",
            "电力巡检",
            "车载显示",
            "增强现实",
            "激光切割",
            "管道监测",
        ],
    },
    Chain {
        field: "人工智能",
        subjects: &[
            "大模型",
            "知识图谱",
            "自然语言处理",
            "语音识别",
            "语音合成",
            "人脸识别",
            "目标检测",
            "行为识别",
            "OCR",
            "推荐算法",
            "联邦学习",
            "隐私计算",
            "AI芯片",
            "模型压缩",
            "推理加速",
            "医学影像AI",
        ],
        methods: &[
            "微调",
            "检索增强",
            "私有化部署",
            "小样本学习",
            "边缘部署",
            "多模态融合",
            "数据标注",
            "量化",
        ],
        uses: &[
            "政务热线",
            "智慧交通",
            "智慧医疗",
            "工业质检",
            "金融风控",
            "智慧工地",
            "智能客服",
            "辅助诊断",
        ],
    },
];

const CLAUSES: &[&str] = &[
    "已完成中试验证",
    "拥有发明专利",
    "性能达到国际先进水平",
    "成本较进口产品降低三成",
    "可提供样品测试",
    "已在多家企业应用",
    "团队来自高校和科研院所",
    "具备批量生产条件",
    "寻求产业化合作伙伴",
    "可根据客户需求定制开发",
    "核心指标经第三方检测",
    "适合中小企业导入",
];

const REGIONS: &[&str] = &[
    "重庆市沙坪坝区",
    "重庆市九龙坡区",
    "重庆市璧山区",
    "重庆市两江新区",
    "四川省成都市",
    "陕西省西安市",
    "江苏省苏州市",
    "广东省深圳市",
    "北京市",
    "上海市",
];

fn sentence(rng: &mut Rng, c: &Chain) -> String {
    format!(
        "{}{}技术，面向{}，{}，{}。",
        rng.pick(c.subjects),
        rng.pick(c.methods),
        rng.pick(c.uses),
        rng.pick(CLAUSES),
        rng.pick(CLAUSES)
    )
}

fn offer(rng: &mut Rng, id: i64) -> Offer {
    let ci = rng.below(CHAINS.len());
    let c = &CHAINS[ci];
    let title = format!(
        "{}{}{}",
        rng.pick(c.subjects),
        rng.pick(c.methods),
        rng.pick(&["技术", "工艺", "装备", "系统", "方案", "平台"])
    );
    let description: String = (0..2 + rng.below(3)).map(|_| sentence(rng, c)).collect();
    let keywords = (0..3).map(|_| rng.pick(c.subjects).to_string()).collect();
    let lo = (10 + rng.below(500)) as i64 * 1_000_000;
    let modes: Modes = (0..1 + rng.below(3))
        .map(|_| Mode::ALL[rng.below(5)])
        .collect();
    Offer {
        id,
        title,
        description,
        keywords,
        chain_node_id: Some((ci * 10 + rng.below(5)) as i64),
        field: Some(c.field.to_string()),
        trl: Some(1 + rng.below(9) as u8),
        modes,
        region: Some(rng.pick(REGIONS).to_string()),
        price_fen: Some((lo, lo * (2 + rng.below(3) as i64))),
    }
}

fn need(rng: &mut Rng, id: i64) -> Need {
    let ci = rng.below(CHAINS.len());
    let c = &CHAINS[ci];
    let title = format!("寻求{}{}", rng.pick(c.subjects), rng.pick(c.methods));
    let description = format!(
        "我公司从事{}相关业务，目前在{}方面遇到瓶颈，需要{}和{}方面的成熟方案，希望{}。",
        rng.pick(c.uses),
        rng.pick(c.methods),
        rng.pick(c.subjects),
        rng.pick(c.subjects),
        rng.pick(CLAUSES)
    );
    let lo = 1 + rng.below(6) as u8;
    Need {
        id,
        title,
        description,
        keywords: vec![rng.pick(c.subjects).to_string()],
        chain_node_id: Some((ci * 10 + rng.below(5)) as i64),
        field: Some(c.field.to_string()),
        trl_range: Some((lo, (lo + 3).min(9))),
        modes: Modes::of(&[Mode::ALL[rng.below(5)]]),
        region: Some(rng.pick(REGIONS).to_string()),
        budget_fen: Some((50 + rng.below(2_000)) as i64 * 1_000_000),
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn report(label: &str, mut times: Vec<Duration>) {
    times.sort();
    println!(
        "{label}: p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} runs)",
        ms(percentile(&times, 0.50)),
        ms(percentile(&times, 0.95)),
        ms(percentile(&times, 0.99)),
        ms(*times.last().unwrap_or(&Duration::ZERO)),
        times.len()
    );
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n_offers: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let n_queries: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1_000);
    let mut rng = Rng(20_260_101);

    let t = Instant::now();
    let engine0 = Engine::new();
    println!(
        "engine (dictionary) loaded in {:.2} s",
        t.elapsed().as_secs_f64()
    );

    let offers: Vec<Offer> = (0..n_offers as i64).map(|id| offer(&mut rng, id)).collect();
    let chars: usize = offers
        .iter()
        .map(|o| o.title.chars().count() + o.description.chars().count())
        .sum();
    println!(
        "{} synthetic offers, {:.0} characters of title and description on average",
        offers.len(),
        chars as f64 / offers.len().max(1) as f64
    );

    let mut engine = engine0.clone();
    let t = Instant::now();
    engine.build_offers(offers);
    let build = t.elapsed();
    println!(
        "index build: {:.2} s for {} offers",
        build.as_secs_f64(),
        engine.offer_count()
    );

    let needs: Vec<Need> = (0..n_queries as i64).map(|id| need(&mut rng, id)).collect();
    let mut times = Vec::with_capacity(needs.len());
    let mut found = 0usize;
    for n in &needs {
        let t = Instant::now();
        let top = engine.offers_for(n, &Filters::default(), 10);
        times.push(t.elapsed());
        found += top.len();
    }
    report("offers_for, top 10, no filter", times);
    println!(
        "  {:.1} candidates returned per query",
        found as f64 / needs.len().max(1) as f64
    );

    let filters = Filters {
        trl: Some((4, 9)),
        modes: Modes::of(&[Mode::License, Mode::Transfer]),
        ..Filters::default()
    };
    let times = needs
        .iter()
        .map(|n| {
            let t = Instant::now();
            let _ = engine.offers_for(n, &filters, 10);
            t.elapsed()
        })
        .collect();
    report("offers_for, top 10, TRL 4-9 and mode filters", times);

    let times = needs
        .iter()
        .map(|n| {
            let t = Instant::now();
            let _ = engine.search_offers(&n.title, &Filters::default(), 10);
            t.elapsed()
        })
        .collect();
    report("search_offers (need title), top 10", times);

    let mut up = Vec::new();
    let mut rm = Vec::new();
    for i in 0..200i64 {
        let id = rng.below(n_offers.max(1)) as i64;
        let o = offer(&mut rng, id);
        let t = Instant::now();
        engine.upsert_offer(o);
        up.push(t.elapsed());
        let t = Instant::now();
        engine.remove_offer((id + i) % n_offers.max(1) as i64);
        rm.push(t.elapsed());
    }
    report("upsert_offer on the full index", up);
    report("remove_offer on the full index", rm);
}
