package io.planpulse.importer;

/**
 * One cell as the file holds it. CSV has only text; a workbook cell is text, a number (with what its number format
 * says: a date, a percentage) or something no record field takes (a boolean, a formula error).
 */
public record Cell(Type type, String text, double number) {
    public enum Type { TEXT, NUMBER, DATE, PERCENT, BOOLEAN, ERROR }

    public static Cell text(String s) {
        return new Cell(Type.TEXT, s, Double.NaN);
    }

    public static Cell number(double v, Type type) {
        return new Cell(type, null, v);
    }

    /** A text cell of blanks only, or nothing. */
    public boolean blank() {
        return type == Type.TEXT && Values.trim(text).isEmpty();
    }

    public boolean numeric() {
        return type == Type.NUMBER || type == Type.DATE || type == Type.PERCENT;
    }

    /** What the user typed, as near as the file says, for messages. */
    public String shown() {
        return switch (type) {
            case NUMBER, DATE, PERCENT -> Values.plain(number);
            default -> text;
        };
    }
}
