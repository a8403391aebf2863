package dev.beian.filing;

/**
 * The one-character province abbreviations that open every filing number (SPEC §1).
 * Some provinces have two abbreviations in use (川/蜀, 贵/黔, 云/滇, 甘/陇); each is its own constant
 * because the canonical form keeps the character the filing authority printed.
 */
public enum Province {
    BEIJING('京'), TIANJIN('津'), SHANGHAI('沪'), CHONGQING('渝'), HEBEI('冀'), SHANXI('晋'),
    INNER_MONGOLIA('蒙'), LIAONING('辽'), JILIN('吉'), HEILONGJIANG('黑'), JIANGSU('苏'), ZHEJIANG('浙'),
    ANHUI('皖'), FUJIAN('闽'), JIANGXI('赣'), SHANDONG('鲁'), HENAN('豫'), HUBEI('鄂'), HUNAN('湘'),
    GUANGDONG('粤'), GUANGXI('桂'), HAINAN('琼'), SICHUAN('川'), SICHUAN_SHU('蜀'), GUIZHOU('贵'),
    GUIZHOU_QIAN('黔'), YUNNAN('云'), YUNNAN_DIAN('滇'), TIBET('藏'), SHAANXI('陕'), GANSU('甘'),
    GANSU_LONG('陇'), QINGHAI('青'), NINGXIA('宁'), XINJIANG('新');

    private static final Province[] BY_CHAR = new Province[0x10000];

    static {
        for (Province p : values()) {
            BY_CHAR[p.abbreviation] = p;
        }
    }

    private final char abbreviation;

    Province(char abbreviation) {
        this.abbreviation = abbreviation;
    }

    public char abbreviation() {
        return abbreviation;
    }

    /** The province for an abbreviation, or null. */
    public static Province of(char c) {
        return BY_CHAR[c];
    }

    static String allAbbreviations() {
        StringBuilder sb = new StringBuilder();
        for (Province p : values()) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(p.abbreviation);
        }
        return sb.toString();
    }
}
