package io.planpulse.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report in a real browser: headless Chromium (Debian package {@code chromium}, installed by ./test) prints
 * the June report of the shipped plan with simulated data to a PNG, and the charts' colours are counted in it. The
 * same page without its SVG has none of them, so the count shows the charts drew. Fails, never skips, without
 * Chromium. With {@code -Dplanpulse.report.png=FILE} it also keeps the picture (docs/img/dispatch-report.png).
 */
class ReportChromiumRenderTest {
    static final Path CHROMIUM = Path.of(System.getProperty("planpulse.chromium", "/usr/bin/chromium"));
    static final Instant JULY_12 = OffsetDateTime.parse("2025-07-12T09:00:00+08:00").toInstant();

    @Test
    void shouldDrawTheChartsInARealBrowser(@TempDir Path dir) throws Exception {
        assertThat(Files.isExecutable(CHROMIUM)).as("%s is needed (Debian package chromium; ./test installs it)",
                CHROMIUM).isTrue();
        DispatchReport report = ReportFixtures.realistic(JULY_12).report(6, JULY_12);
        String html = HtmlReport.render(report);

        BufferedImage page = render(dir, "report", html);
        long bars = count(page, Charts.ACTUAL);
        long plan = count(page, Charts.PLAN);
        long cumulative = count(page, Charts.CUMULATIVE);
        assertThat(bars).as("pixels of the investment bars").isGreaterThan(3000);
        assertThat(plan).as("pixels of the plan line and the 序时进度 markers").isGreaterThan(300);
        assertThat(cumulative).as("pixels of the cumulative line").isGreaterThan(300);

        BufferedImage noCharts = render(dir, "no-svg", html.replaceAll("(?s)<svg.*?</svg>", ""));
        assertThat(count(noCharts, Charts.ACTUAL) + count(noCharts, Charts.PLAN) + count(noCharts, Charts.CUMULATIVE))
                .as("the chart colours come from the SVG alone").isLessThan(50);

        String keep = System.getProperty("planpulse.report.png");
        if (keep != null && !keep.isBlank()) {
            Files.copy(dir.resolve("report.png"), Path.of(keep), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static BufferedImage render(Path dir, String name, String html) throws Exception {
        Path file = dir.resolve(name + ".html");
        Files.writeString(file, html, StandardCharsets.UTF_8);
        Path png = dir.resolve(name + ".png");
        Path profile = Files.createTempDirectory(dir, "chromium-profile");
        Path log = dir.resolve(name + ".log");
        Process p = new ProcessBuilder(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + profile, "--screenshot=" + png,
                "--window-size=1280,2400", file.toUri().toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean done = p.waitFor(3, TimeUnit.MINUTES);
        if (!done) {
            p.destroyForcibly();
        }
        assertThat(done).as("chromium finished; its output: %s", Files.readString(log)).isTrue();
        assertThat(Files.exists(png)).as("chromium wrote %s (exit %d); its output: %s", png, p.exitValue(),
                Files.readString(log)).isTrue();
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(1280);
        return image;
    }

    /** Pixels within 3 of the colour in each channel (anti-aliased edges are left out). */
    static long count(BufferedImage image, String hex) {
        int want = Integer.parseInt(hex.substring(1), 16);
        long n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                if (Math.abs(((rgb >> 16) & 0xff) - ((want >> 16) & 0xff)) <= 3
                        && Math.abs(((rgb >> 8) & 0xff) - ((want >> 8) & 0xff)) <= 3
                        && Math.abs((rgb & 0xff) - (want & 0xff)) <= 3) {
                    n++;
                }
            }
        }
        return n;
    }
}
