package dev.dynsecret.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A line chart written as a small SVG file, so that the runner can draw its own figures into the
 * docs without a plotting dependency. Axes are linear or logarithmic; each series is a polyline
 * with optional point markers; ticks are chosen from 1-2-5 steps (powers of ten on log axes).
 */
final class Svg {
  private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"};
  private static final int W = 640;
  private static final int H = 400;
  private static final int LEFT = 70;
  private static final int RIGHT = 20;
  private static final int TOP = 40;
  private static final int BOTTOM = 55;

  /** One line: its name in the legend, its points, whether to mark them, whether dashed. */
  record Series(String name, double[] x, double[] y, boolean markers, boolean dashed) {}

  private final String title;
  private final String xLabel;
  private final String yLabel;
  private final boolean logX;
  private final boolean logY;
  private final List<Series> series = new ArrayList<>();
  private Double yMin;
  private boolean legendLowerRight;

  Svg(String title, String xLabel, String yLabel, boolean logX, boolean logY) {
    this.title = title;
    this.xLabel = xLabel;
    this.yLabel = yLabel;
    this.logX = logX;
    this.logY = logY;
  }

  Svg add(Series s) {
    series.add(s);
    return this;
  }

  /** Starts the y axis at {@code min} (linear axes start at 0 by default). */
  Svg yFrom(double min) {
    this.yMin = min;
    return this;
  }

  /** Puts the legend in the lower right corner instead of the upper left. */
  Svg legendLowerRight() {
    this.legendLowerRight = true;
    return this;
  }

  /** Writes the chart to {@code file}, creating its folder. */
  void write(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, render(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + file, e);
    }
  }

  String render() {
    double x0 = Double.MAX_VALUE, x1 = -Double.MAX_VALUE, y0 = Double.MAX_VALUE, y1 = -Double.MAX_VALUE;
    for (Series s : series) {
      for (int i = 0; i < s.x().length; i++) {
        x0 = Math.min(x0, s.x()[i]);
        x1 = Math.max(x1, s.x()[i]);
        y0 = Math.min(y0, s.y()[i]);
        y1 = Math.max(y1, s.y()[i]);
      }
    }
    if (!logY) {
      y0 = yMin != null ? yMin : Math.min(0, y0);
    } else if (yMin != null) {
      y0 = yMin;
    }
    double[] xt = ticks(x0, x1, logX);
    double[] yt = ticks(y0, y1, logY);
    Axis ax = new Axis(xt[0], xt[xt.length - 1], logX, LEFT, W - RIGHT);
    Axis ay = new Axis(yt[0], yt[yt.length - 1], logY, H - BOTTOM, TOP);
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\""
        + " height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n",
        W, H, W, H));
    b.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", W, H));
    b.append(text(W / 2.0, 22, "middle", 14, title));
    for (double t : xt) {
      double px = ax.at(t);
      b.append(line(px, TOP, px, H - BOTTOM, "#e5e5e5", false));
      b.append(text(px, H - BOTTOM + 16, "middle", 11, label(t)));
    }
    for (double t : yt) {
      double py = ay.at(t);
      b.append(line(LEFT, py, W - RIGHT, py, "#e5e5e5", false));
      b.append(text(LEFT - 6, py + 4, "end", 11, label(t)));
    }
    b.append(line(LEFT, H - BOTTOM, W - RIGHT, H - BOTTOM, "#333", false));
    b.append(line(LEFT, TOP, LEFT, H - BOTTOM, "#333", false));
    b.append(text((LEFT + W - RIGHT) / 2.0, H - 14, "middle", 12, xLabel));
    b.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%.1f\" text-anchor=\"middle\""
        + " transform=\"rotate(-90 16 %.1f)\">%s</text>%n", (TOP + H - BOTTOM) / 2.0,
        (TOP + H - BOTTOM) / 2.0, escape(yLabel)));
    for (int k = 0; k < series.size(); k++) {
      Series s = series.get(k);
      String colour = COLOURS[k % COLOURS.length];
      StringBuilder points = new StringBuilder();
      for (int i = 0; i < s.x().length; i++) {
        points.append(String.format(Locale.ROOT, "%.1f,%.1f ", ax.at(s.x()[i]), ay.at(s.y()[i])));
      }
      b.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s"
          + " points=\"%s\"/>%n", colour, s.dashed() ? " stroke-dasharray=\"6 4\"" : "",
          points.toString().strip()));
      if (s.markers()) {
        for (int i = 0; i < s.x().length; i++) {
          b.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"/>%n",
              ax.at(s.x()[i]), ay.at(s.y()[i]), colour));
        }
      }
      double lx = legendLowerRight ? W - RIGHT - 190 : LEFT + 14;
      double ly = legendLowerRight ? H - BOTTOM - 12 - 18 * (series.size() - 1 - k) : TOP + 12 + 18 * k;
      b.append(line(lx, ly - 4, lx + 26, ly - 4, colour, s.dashed()));
      b.append(text(lx + 32, ly, "start", 12, s.name()));
    }
    b.append("</svg>\n");
    return b.toString();
  }

  /** Maps data values to pixels along one axis. */
  private record Axis(double min, double max, boolean log, double from, double to) {
    double at(double v) {
      double f = log
          ? (Math.log10(v) - Math.log10(min)) / (Math.log10(max) - Math.log10(min))
          : (v - min) / (max - min);
      return from + f * (to - from);
    }
  }

  /** Tick values covering [lo, hi]: powers of ten on a log axis, 1-2-5 steps on a linear one. */
  static double[] ticks(double lo, double hi, boolean log) {
    if (log) {
      int a = (int) Math.floor(Math.log10(lo));
      int z = (int) Math.ceil(Math.log10(hi));
      if (z == a) {
        z++;
      }
      double[] t = new double[z - a + 1];
      for (int i = 0; i <= z - a; i++) {
        t[i] = Math.pow(10, a + i);
      }
      return t;
    }
    if (hi <= lo) {
      hi = lo + 1;
    }
    double raw = (hi - lo) / 6;
    double mag = Math.pow(10, Math.floor(Math.log10(raw)));
    double step = raw / mag < 1.5 ? mag : raw / mag < 3.5 ? 2 * mag : raw / mag < 7.5 ? 5 * mag : 10 * mag;
    double start = Math.floor(lo / step) * step;
    int n = (int) Math.ceil((hi - start) / step - 1e-9);
    double[] t = new double[n + 1];
    for (int i = 0; i <= n; i++) {
      t[i] = start + i * step;
    }
    return t;
  }

  private static String label(double v) {
    if (v != 0 && (Math.abs(v) >= 1e9 || Math.abs(v) < 1e-3)) {
      return String.format(Locale.ROOT, "%.0e", v);
    }
    if (v == Math.rint(v)) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    return String.format(Locale.ROOT, "%.3f", v).replaceAll("0+$", "");
  }

  private static String line(double x1, double y1, double x2, double y2, String colour, boolean dashed) {
    return String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\""
        + " stroke=\"%s\"%s/>%n", x1, y1, x2, y2, colour, dashed ? " stroke-dasharray=\"6 4\"" : "");
  }

  private static String text(double x, double y, String anchor, int size, String s) {
    return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\""
        + " font-size=\"%d\">%s</text>%n", x, y, anchor, size, escape(s));
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
