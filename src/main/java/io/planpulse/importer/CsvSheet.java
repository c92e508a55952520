package io.planpulse.importer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.io.input.BOMInputStream;

/**
 * A CSV file (RFC 4180, comma-separated, UTF-8 with or without a BOM) read record by record. Row numbers are the
 * record numbers, which are the rows Excel shows when it opens the file (a quoted value with line breaks stays in one
 * row); empty lines are kept as empty rows so that the numbers stay right.
 */
final class CsvSheet {
    private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(false).get();

    private CsvSheet() {
    }

    static void read(Path file, RowHandler handler) throws BadFile {
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = BOMInputStream.builder().setInputStream(raw).get();
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                     .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)));
             CSVParser parser = CSVParser.builder().setReader(reader).setFormat(FORMAT).get()) {
            for (CSVRecord r : parser) {
                Cell[] cells = new Cell[r.size()];
                for (int i = 0; i < cells.length; i++) {
                    cells[i] = Cell.text(r.get(i));
                }
                handler.row((int) r.getRecordNumber(), cells);
            }
        } catch (CharacterCodingException e) {
            throw notUtf8(file);
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof CharacterCodingException) {
                throw notUtf8(file);
            }
            throw new BadFile(file + ": not a readable CSV file: " + e.getCause().getMessage(), e);
        } catch (IOException | IllegalStateException e) {
            throw new BadFile(file + ": not a readable CSV file: " + e.getMessage(), e);
        }
    }

    private static BadFile notUtf8(Path file) {
        return new BadFile(file + ": not UTF-8 text. Excel's \"CSV (逗号分隔)\" writes GBK: save as \"CSV UTF-8 (逗号分隔)\" "
                + "or import the .xlsx itself");
    }
}
