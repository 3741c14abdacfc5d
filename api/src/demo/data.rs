//! The Daxing East Road community (大兴东路社区) as the design describes it: 3 grids, 14
//! compounds, 34 buildings.

/// A compound: name, property company (index into `COMPANIES`), grid (1–3), buildings.
pub struct CompoundSeed {
    pub name: &'static str,
    pub company: usize,
    pub grid: usize,
    pub buildings: usize,
}

pub const DISTRICT: &str = "莲湖区";
pub const STREET: &str = "红庙坡街道";
pub const COMMUNITY: &str = "大兴东路社区";
pub const GRIDS: [&str; 3] = ["第一网格", "第二网格", "第三网格"];

/// Property companies with their staff account names.
pub const COMPANIES: [(&str, &str, &str); 5] = [
    ("天兴物业服务有限公司", "wy-tianxing", "029-88610001"),
    ("梧桐坊物业管理有限公司", "wy-wutong", "029-88610002"),
    ("蔚蓝馨城物业服务有限公司", "wy-weilan", "029-88610003"),
    ("公园府邸物业有限公司", "wy-fudi", "029-88610004"),
    ("红庙坡物业服务中心", "wy-hongmiao", "029-88610005"),
];

/// 14 compounds, 34 buildings in all.
pub const COMPOUNDS: [CompoundSeed; 14] = [
    CompoundSeed {
        name: "天兴都市花园",
        company: 0,
        grid: 1,
        buildings: 4,
    },
    CompoundSeed {
        name: "梧桐坊",
        company: 1,
        grid: 1,
        buildings: 3,
    },
    CompoundSeed {
        name: "大兴东路1号院",
        company: 4,
        grid: 1,
        buildings: 2,
    },
    CompoundSeed {
        name: "丰禾苑",
        company: 4,
        grid: 1,
        buildings: 2,
    },
    CompoundSeed {
        name: "莲湖佳苑",
        company: 4,
        grid: 1,
        buildings: 2,
    },
    CompoundSeed {
        name: "天朗蔚蓝馨城",
        company: 2,
        grid: 2,
        buildings: 4,
    },
    CompoundSeed {
        name: "公园府邸",
        company: 3,
        grid: 2,
        buildings: 3,
    },
    CompoundSeed {
        name: "红庙坡小区",
        company: 4,
        grid: 2,
        buildings: 2,
    },
    CompoundSeed {
        name: "大兴新居",
        company: 4,
        grid: 2,
        buildings: 2,
    },
    CompoundSeed {
        name: "和平里小区",
        company: 4,
        grid: 2,
        buildings: 2,
    },
    CompoundSeed {
        name: "西城花园",
        company: 4,
        grid: 3,
        buildings: 2,
    },
    CompoundSeed {
        name: "劳动南路家属院",
        company: 4,
        grid: 3,
        buildings: 2,
    },
    CompoundSeed {
        name: "锦绣华庭",
        company: 4,
        grid: 3,
        buildings: 2,
    },
    CompoundSeed {
        name: "星河湾",
        company: 4,
        grid: 3,
        buildings: 2,
    },
];

/// Households seeded per building (a sample, not all 5,156).
pub const HOUSEHOLDS_PER_BUILDING: usize = 4;

/// Staff accounts: username, display name, role, which node (see `demo::seed`).
pub const STAFF: [(&str, &str); 3] = [
    ("admin", "莲湖区管理员"),
    ("street", "红庙坡街道工作人员"),
    ("community", "大兴东路社区工作人员"),
];

/// Grid workers, one per grid: username, name, public contact phone.
pub const GRID_WORKERS: [(&str, &str, &str); 3] = [
    ("grid1", "王网格员", "13892900001"),
    ("grid2", "李网格员", "13892900002"),
    ("grid3", "张网格员", "13892900003"),
];

/// Butlers: username, name, (compound index, building number), public contact phone.
pub const BUTLERS: [(&str, &str, usize, usize, &str); 4] = [
    ("butler-txdsh-1", "刘兴管家", 0, 1, "13992900101"),
    ("butler-wtf-1", "陈兴管家", 1, 1, "13992900201"),
    ("butler-tllx-1", "赵兴管家", 5, 1, "13992900601"),
    ("butler-xchy-1", "周兴管家", 10, 1, "13992901101"),
];

/// Volunteers of 红领之家.
pub const VOLUNTEERS: [(&str, &str); 3] = [
    ("volunteer-1", "孙志愿者"),
    ("volunteer-2", "吴志愿者"),
    ("volunteer-3", "郑志愿者"),
];

/// Residents for development login: openid and the grid their household is in.
pub const RESIDENTS: [(&str, usize); 5] = [
    ("demo-resident-1", 1),
    ("demo-resident-2", 2),
    ("demo-resident-3", 3),
    ("demo-resident-4", 1),
    ("demo-resident-5", 2),
];
