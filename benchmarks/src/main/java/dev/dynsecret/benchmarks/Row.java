package dev.dynsecret.benchmarks;

/**
 * One line of the results table: what a figure measured, its aim, and the verdict, all from the
 * same run. A row without an aim is context for the row above it (its verdict is blank).
 *
 * @param figure the figure's number
 * @param what what was measured, and how
 * @param measured the number(s), as printed in the table
 * @param aim the aim, or "" for a context row
 * @param verdict "met", "NOT met", "not measured" (with why), or "" for a context row
 */
record Row(int figure, String what, String measured, String aim, String verdict) {

  static Row judged(int figure, String what, String measured, String aim, boolean met) {
    return new Row(figure, what, measured, aim, met ? "**met**" : "**NOT met**");
  }

  static Row context(int figure, String what, String measured) {
    return new Row(figure, what, measured, "", "");
  }

  static Row notMeasured(int figure, String what, String aim, String why) {
    return new Row(figure, what, "—", aim, "not measured: " + why);
  }

  static String header() {
    return "| # | figure | measured | aim | verdict |\n|---|---|---|---|---|";
  }

  @Override
  public String toString() {
    return "| " + figure + " | " + what + " | " + measured + " | " + aim + " | " + verdict + " |";
  }
}
