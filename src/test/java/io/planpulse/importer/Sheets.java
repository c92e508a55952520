package io.planpulse.importer;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;

/** Test files: CSV text and xlsx workbooks written with POI, cells typed as a department's Excel would have them. */
final class Sheets {
    /** A number shown with a number format: a date format makes a date cell, "0%" a percentage. */
    record Formatted(double value, String format) {
    }

    /** A cell with a style and nothing in it, as Excel leaves below a formatted table. */
    static final Object STYLED_BLANK = new Object();

    private Sheets() {
    }

    static Path csv(Path dir, String name, boolean bom, String... lines) throws IOException {
        Path f = dir.resolve(name);
        byte[] body = (String.join("\r\n", lines) + "\r\n").getBytes(StandardCharsets.UTF_8);
        try (OutputStream o = Files.newOutputStream(f)) {
            if (bom) {
                o.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
            }
            o.write(body);
        }
        return f;
    }

    /** One sheet; each row a list of cells (null: no cell), row 1 first. */
    static Path xlsx(Path dir, String name, List<List<Object>> rows) throws IOException {
        return xlsx(dir, name, "Sheet1", rows);
    }

    static Path xlsx(Path dir, String name, String sheetName, List<List<Object>> rows) throws IOException {
        Path f = dir.resolve(name);
        try (XSSFWorkbook wb = new XSSFWorkbook(); OutputStream o = Files.newOutputStream(f)) {
            fill(wb, wb.createSheet(sheetName), rows);
            wb.write(o);
        }
        return f;
    }

    static void fill(Workbook wb, Sheet sh, List<List<Object>> rows) {
        Map<String, CellStyle> styles = new HashMap<>();
        for (int r = 0; r < rows.size(); r++) {
            Row row = sh.createRow(r);
            List<Object> cells = rows.get(r);
            for (int c = 0; c < cells.size(); c++) {
                Object v = cells.get(c);
                if (v == null) {
                    continue;
                }
                org.apache.poi.ss.usermodel.Cell cell = row.createCell(c);
                if (v instanceof String s) {
                    cell.setCellValue(s);
                } else if (v instanceof Number n) {
                    cell.setCellValue(n.doubleValue());
                } else if (v instanceof LocalDate d) {
                    cell.setCellValue(d);
                    cell.setCellStyle(style(wb, styles, "yyyy-mm-dd"));
                } else if (v instanceof LocalDateTime t) {
                    cell.setCellValue(t);
                    cell.setCellStyle(style(wb, styles, "yyyy-mm-dd hh:mm"));
                } else if (v instanceof Formatted f) {
                    cell.setCellValue(f.value());
                    cell.setCellStyle(style(wb, styles, f.format()));
                } else if (v instanceof Boolean b) {
                    cell.setCellValue(b);
                } else if (v == STYLED_BLANK) {
                    cell.setCellStyle(style(wb, styles, "@"));
                } else {
                    throw new IllegalArgumentException("no cell for " + v);
                }
            }
        }
    }

    private static CellStyle style(Workbook wb, Map<String, CellStyle> styles, String format) {
        return styles.computeIfAbsent(format, f -> {
            CellStyle s = wb.createCellStyle();
            s.setDataFormat(wb.createDataFormat().getFormat(f));
            return s;
        });
    }
}
