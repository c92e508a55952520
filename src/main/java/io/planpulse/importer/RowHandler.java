package io.planpulse.importer;

/** Takes a sheet's rows in order, as a reader streams them. */
interface RowHandler {
    /** Before the first row of a workbook's sheet: its name, and whether the workbook counts dates from 1904. */
    default void sheet(String name, boolean date1904) {
    }

    /**
     * One row: its number as Excel shows it (the first row is 1) and its cells by column (index 0 is column A; null
     * or shorter arrays where there is nothing).
     */
    void row(int number, Cell[] cells);
}
