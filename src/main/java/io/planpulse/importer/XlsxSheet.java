package io.planpulse.importer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.ParserConfigurationException;
import org.apache.poi.openxml4j.exceptions.InvalidFormatException;
import org.apache.poi.openxml4j.exceptions.NotOfficeXmlFileException;
import org.apache.poi.openxml4j.exceptions.OpenXML4JException;
import org.apache.poi.openxml4j.opc.OPCPackage;
import org.apache.poi.openxml4j.opc.PackageAccess;
import org.apache.poi.ss.usermodel.DateUtil;
import org.apache.poi.util.XMLHelper;
import org.apache.poi.xssf.eventusermodel.ReadOnlySharedStringsTable;
import org.apache.poi.xssf.eventusermodel.XSSFReader;
import org.apache.poi.xssf.model.StylesTable;
import org.apache.poi.xssf.usermodel.XSSFCellStyle;
import org.openxmlformats.schemas.spreadsheetml.x2006.main.CTWorkbookPr;
import org.openxmlformats.schemas.spreadsheetml.x2006.main.WorkbookDocument;
import org.xml.sax.Attributes;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.XMLReader;
import org.xml.sax.helpers.DefaultHandler;

/**
 * One sheet of an .xlsx workbook, streamed: the sheet's XML is read with SAX, row by row, so a sheet of 100,000 rows
 * never becomes a workbook object tree in memory. Cells keep their raw values (a number stays the double Excel
 * stored, whatever its display format); the cell's number format only says whether it is a date or a percentage.
 * Formulas give their cached result.
 */
final class XlsxSheet {
    private XlsxSheet() {
    }

    /**
     * Reads the sheet, telling {@code handler} which one ({@link RowHandler#sheet}), then its rows: the sheet named {@code kind}'s sheet name or type if the workbook has one (the template has a sheet per
     * kind), else the first sheet.
     */
    static void read(Path file, ReportKind kind, RowHandler handler) throws BadFile {
        try (OPCPackage pkg = OPCPackage.open(file.toFile(), PackageAccess.READ)) {
            XSSFReader reader = new XSSFReader(pkg);
            boolean date1904 = date1904(reader);
            ReadOnlySharedStringsTable strings = new ReadOnlySharedStringsTable(pkg, false);
            StylesTable styles = reader.getStylesTable();
            String chosen = null;
            XSSFReader.SheetIterator sheets = (XSSFReader.SheetIterator) reader.getSheetsData();
            List<String> names = new ArrayList<>();
            while (sheets.hasNext()) {
                try (InputStream s = sheets.next()) {
                    names.add(sheets.getSheetName());
                }
            }
            if (names.isEmpty()) {
                throw new BadFile(file + ": the workbook has no sheet");
            }
            for (String n : names) {
                if (n.trim().equals(kind.sheetName()) || n.trim().equalsIgnoreCase(kind.type())) {
                    chosen = n;
                }
            }
            if (chosen == null) {
                chosen = names.get(0);
            }
            sheets = (XSSFReader.SheetIterator) reader.getSheetsData();
            while (sheets.hasNext()) {
                try (InputStream s = sheets.next()) {
                    if (sheets.getSheetName().equals(chosen)) {
                        handler.sheet(chosen, date1904);
                        XMLReader xml = XMLHelper.newXMLReader();
                        xml.setContentHandler(new SheetHandler(strings, styles, handler));
                        xml.parse(new InputSource(s));
                        break;
                    }
                }
            }
        } catch (NotOfficeXmlFileException | InvalidFormatException e) {
            throw new BadFile(file + ": not an .xlsx workbook (an old .xls or a password-protected workbook: save it as "
                    + "\"Excel 工作簿 (*.xlsx)\" without a password)", e);
        } catch (IOException | OpenXML4JException | SAXException | ParserConfigurationException
                 | org.apache.xmlbeans.XmlException | org.apache.poi.ooxml.POIXMLException e) {
            throw new BadFile(file + ": cannot read the workbook: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // a damaged workbook (a shared string or style that is not there, a row number that is not one)
            throw new BadFile(file + ": a damaged workbook: " + e, e);
        }
    }

    private static boolean date1904(XSSFReader reader) throws IOException, OpenXML4JException,
            org.apache.xmlbeans.XmlException {
        try (InputStream wb = reader.getWorkbookData()) {
            CTWorkbookPr pr = WorkbookDocument.Factory.parse(wb).getWorkbook().getWorkbookPr();
            return pr != null && pr.getDate1904();
        }
    }

    /** Column index of a cell reference ("C7" is 2), or -1 without one. */
    static int column(String ref) {
        if (ref == null) {
            return -1;
        }
        int col = 0;
        int i = 0;
        while (i < ref.length() && Character.isLetter(ref.charAt(i))) {
            col = col * 26 + (Character.toUpperCase(ref.charAt(i)) - 'A' + 1);
            i++;
        }
        return i == 0 ? -1 : col - 1;
    }

    /** The sheet's XML: {@code <row r>}, {@code <c r s t>} with {@code <v>} or an inline string {@code <is>}. */
    private static final class SheetHandler extends DefaultHandler {
        private final ReadOnlySharedStringsTable strings;
        private final StylesTable styles;
        private final RowHandler out;
        private final Map<Integer, Cell.Type> numberTypes = new HashMap<>();
        private final StringBuilder value = new StringBuilder();
        private final List<Cell> cells = new ArrayList<>();
        private int rowNumber;
        private int column;
        private String cellType;
        private int style;
        private boolean inValue;
        private boolean inInline;
        private boolean inPhonetic;

        SheetHandler(ReadOnlySharedStringsTable strings, StylesTable styles, RowHandler out) {
            this.strings = strings;
            this.styles = styles;
            this.out = out;
        }

        @Override
        public void startElement(String uri, String localName, String qName, Attributes a) {
            switch (localName) {
                case "row" -> {
                    String r = a.getValue("r");
                    rowNumber = r == null ? rowNumber + 1 : Integer.parseInt(r);
                    cells.clear();
                    column = -1;
                }
                case "c" -> {
                    int c = column(a.getValue("r"));
                    column = c >= 0 ? c : column + 1;
                    cellType = a.getValue("t");
                    String s = a.getValue("s");
                    style = s == null ? 0 : Integer.parseInt(s);
                    value.setLength(0);
                }
                case "v" -> inValue = true;
                case "is" -> inInline = true;
                case "rPh" -> inPhonetic = true;
                default -> {
                }
            }
        }

        @Override
        public void characters(char[] ch, int start, int length) {
            if (inValue || (inInline && !inPhonetic)) {
                value.append(ch, start, length);
            }
        }

        @Override
        public void endElement(String uri, String localName, String qName) {
            switch (localName) {
                case "v" -> inValue = false;
                case "is" -> inInline = false;
                case "rPh" -> inPhonetic = false;
                case "c" -> {
                    while (cells.size() < column) {
                        cells.add(null);
                    }
                    cells.add(cell());
                }
                case "row" -> out.row(rowNumber, cells.toArray(new Cell[0]));
                default -> {
                }
            }
        }

        private Cell cell() {
            String v = value.toString();
            if (v.isEmpty()) {
                return null;
            }
            if (cellType == null || cellType.equals("n")) {
                try {
                    return Cell.number(Double.parseDouble(v), numberType(style));
                } catch (NumberFormatException e) {
                    return Cell.text(v);
                }
            }
            return switch (cellType) {
                case "s" -> Cell.text(strings.getItemAt(Integer.parseInt(v.trim())).getString());
                case "b" -> new Cell(Cell.Type.BOOLEAN, v.equals("1") ? "TRUE" : "FALSE", Double.NaN);
                case "e" -> new Cell(Cell.Type.ERROR, v, Double.NaN);
                default -> Cell.text(v); // str (a formula's text), inlineStr, d (ISO date text)
            };
        }

        private Cell.Type numberType(int styleIndex) {
            return numberTypes.computeIfAbsent(styleIndex, i -> {
                if (styles == null || i >= styles.getNumCellStyles()) {
                    return Cell.Type.NUMBER;
                }
                XSSFCellStyle st = styles.getStyleAt(i);
                String format = st.getDataFormatString();
                if (DateUtil.isADateFormat(st.getDataFormat(), format)) {
                    return Cell.Type.DATE;
                }
                return format != null && format.contains("%") ? Cell.Type.PERCENT : Cell.Type.NUMBER;
            });
        }
    }
}
