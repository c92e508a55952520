package io.planpulse.importer;

/**
 * A bad value in a file, as the user finds it in Excel: row (the header is usually row 1), column letter and header,
 * the value as the file holds it, and the reason code (the pipeline's where the pipeline refuses the same thing).
 *
 * @param column the column's index (0 is A), or -1 for a fault of the whole row
 */
public record Problem(int row, int column, String header, String value, String reason, String message) {
    /** Excel's name of a column: A, B, ..., Z, AA, AB, ... */
    public static String letter(int column) {
        StringBuilder b = new StringBuilder();
        for (int c = column + 1; c > 0; c = (c - 1) / 26) {
            b.insert(0, (char) ('A' + (c - 1) % 26));
        }
        return b.toString();
    }

    /** One line: {@code row 5, column C (本月完成投资(元)) "-12": negative_amount: investment_cny is negative}. */
    public String describe() {
        String where = column < 0 ? "row " + row : "row " + row + ", column " + letter(column) + " ("
                + Values.escaped(header) + ")";
        return where + (value == null ? "" : " " + Values.quoted(value)) + ": " + reason + ": " + message;
    }
}
