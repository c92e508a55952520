package io.planpulse.base;

/**
 * District codes (CONTRACT section 1b): six digits of GB/T 2260, such as {@code 500113} (巴南区), {@code 500100} or
 * {@code 500000} (重庆市).
 */
public final class Districts {
    private Districts() {
    }

    /** The district of a deployment that names none ({@code planpulse.district}): 巴南区, the shipped plan's. */
    public static final String DEFAULT = "500113";

    /** 重庆市, the city whose districts the shipped plan and the simulation use. */
    public static final String CHONGQING = "500000";

    /**
     * Chongqing's 38 district-level units (26 districts, 8 counties, 4 autonomous counties; GB/T 2260), Banan first
     * (the district of the shipped plan), then in code order: what {@code --districts N} takes the first N of.
     */
    public static final java.util.List<String[]> CHONGQING_DISTRICTS = java.util.List.of(
            new String[] {"500113", "巴南区", "Banan"}, new String[] {"500101", "万州区", "Wanzhou"},
            new String[] {"500102", "涪陵区", "Fuling"}, new String[] {"500103", "渝中区", "Yuzhong"},
            new String[] {"500104", "大渡口区", "Dadukou"}, new String[] {"500105", "江北区", "Jiangbei"},
            new String[] {"500106", "沙坪坝区", "Shapingba"}, new String[] {"500107", "九龙坡区", "Jiulongpo"},
            new String[] {"500108", "南岸区", "Nan'an"}, new String[] {"500109", "北碚区", "Beibei"},
            new String[] {"500110", "綦江区", "Qijiang"}, new String[] {"500111", "大足区", "Dazu"},
            new String[] {"500112", "渝北区", "Yubei"}, new String[] {"500114", "黔江区", "Qianjiang"},
            new String[] {"500115", "长寿区", "Changshou"}, new String[] {"500116", "江津区", "Jiangjin"},
            new String[] {"500117", "合川区", "Hechuan"}, new String[] {"500118", "永川区", "Yongchuan"},
            new String[] {"500119", "南川区", "Nanchuan"}, new String[] {"500120", "璧山区", "Bishan"},
            new String[] {"500151", "铜梁区", "Tongliang"}, new String[] {"500152", "潼南区", "Tongnan"},
            new String[] {"500153", "荣昌区", "Rongchang"}, new String[] {"500154", "开州区", "Kaizhou"},
            new String[] {"500155", "梁平区", "Liangping"}, new String[] {"500156", "武隆区", "Wulong"},
            new String[] {"500229", "城口县", "Chengkou"}, new String[] {"500230", "丰都县", "Fengdu"},
            new String[] {"500231", "垫江县", "Dianjiang"}, new String[] {"500233", "忠县", "Zhong"},
            new String[] {"500235", "云阳县", "Yunyang"}, new String[] {"500236", "奉节县", "Fengjie"},
            new String[] {"500237", "巫山县", "Wushan"}, new String[] {"500238", "巫溪县", "Wuxi"},
            new String[] {"500240", "石柱土家族自治县", "Shizhu"}, new String[] {"500241", "秀山土家族苗族自治县", "Xiushan"},
            new String[] {"500242", "酉阳土家族苗族自治县", "Youyang"}, new String[] {"500243", "彭水苗族土家族自治县", "Pengshui"});

    private static final java.util.Map<String, String> NAMES = names();

    private static java.util.Map<String, String> names() {
        java.util.Map<String, String> m = new java.util.HashMap<>();
        m.put(CHONGQING, "重庆市");
        CHONGQING_DISTRICTS.forEach(d -> m.put(d[0], d[1]));
        return java.util.Map.copyOf(m);
    }

    /** A district's name: a Chongqing district's, or the code itself for any other. */
    public static String name(String code) {
        return NAMES.getOrDefault(code, code);
    }

    /** Six ASCII digits. */
    public static boolean isCode(String v) {
        if (v == null || v.length() != 6) {
            return false;
        }
        for (int i = 0; i < 6; i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@code code} covers {@code other}: a code covers itself, and a code that ends in {@code 00} also covers
     * every code that starts with its digits before the trailing {@code 00} pairs ({@code 500100} covers
     * {@code 5001xx}, {@code 500000} covers {@code 50xxxx}).
     */
    public static boolean covers(String code, String other) {
        if (code.equals(other)) {
            return true;
        }
        String prefix = prefix(code);
        return prefix.length() < 6 && other.startsWith(prefix);
    }

    /** True for a code that covers codes other than itself (it ends in {@code 00}): an aggregate plan's district. */
    public static boolean isAggregate(String code) {
        return prefix(code).length() < 6;
    }

    /** How many codes' levels a code spans: 0 for one that covers only itself, 1 for 500100, 2 for 500000. */
    public static int level(String code) {
        return (code.length() - prefix(code).length()) / 2;
    }

    /**
     * The KPI-stage partition of a district's facts and plans (CONTRACT section 1b, {@code planpulse.kpi.partitions}):
     * the hash Kafka's default partitioner gives its code as a key, so a district always lands in the same partition
     * of every topic of the stage.
     */
    public static int partition(String code, int partitions) {
        return org.apache.kafka.common.utils.Utils.toPositive(
                org.apache.kafka.common.utils.Utils.murmur2(code.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                % partitions;
    }

    /**
     * Where an aggregate plan is evaluated: its province (the code's first two digits), so a city's plan and the
     * aggregates inside it (500100) are evaluated together, the narrower first.
     */
    public static String province(String code) {
        return code.substring(0, 2) + "0000";
    }

    /** The code without its trailing {@code 00} pairs. */
    private static String prefix(String code) {
        int end = code.length();
        while (end >= 2 && code.charAt(end - 1) == '0' && code.charAt(end - 2) == '0') {
            end -= 2;
        }
        return code.substring(0, end);
    }
}
