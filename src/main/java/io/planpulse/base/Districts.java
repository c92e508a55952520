package io.planpulse.base;

/**
 * District codes (CONTRACT section 1b): six digits of GB/T 2260, such as {@code 500113} (巴南区), {@code 500100} or
 * {@code 500000} (重庆市).
 */
public final class Districts {
    private Districts() {
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

    /** The code without its trailing {@code 00} pairs. */
    private static String prefix(String code) {
        int end = code.length();
        while (end >= 2 && code.charAt(end - 1) == '0' && code.charAt(end - 2) == '0') {
            end -= 2;
        }
        return code.substring(0, end);
    }
}
