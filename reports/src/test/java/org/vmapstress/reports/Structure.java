package org.vmapstress.reports;

import java.util.ArrayList;
import java.util.List;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * A page's structure as text, for golden comparison: headings, the verdict, every table row,
 * the replay line, and every timeline step box (its text and whether it is the violation),
 * each on one line. Whitespace and attribute order do not matter; what a reader sees does.
 */
final class Structure {
    private static final String SELECTOR = "#verdict, h1, h2, h3, #message, #replay-line, #shrunk-token, tr, "
            + "svg#timeline g.step, svg#timeline rect[fill]:not(g rect), pre";

    private Structure() {
    }

    static String of(Document page) {
        List<String> lines = new ArrayList<>();
        for (Element e : page.select(SELECTOR)) {
            lines.add(describe(e));
        }
        return String.join("\n", lines) + "\n";
    }

    private static String describe(Element e) {
        String id = e.id().isEmpty() ? "" : "#" + e.id();
        String classes = e.className().isEmpty() ? "" : "." + e.className().trim().replace(' ', '.');
        if (e.tagName().equals("tr")) {
            return "tr" + classes + ": " + String.join(" | ", e.children().eachText());
        }
        if (e.tagName().equals("g")) {
            return "step " + e.attr("data-step") + classes.replace(".step", "") + ": " + e.select("text").text()
                    + (e.select("title").isEmpty() ? "" : " | " + e.select("title").text());
        }
        if (e.tagName().equals("rect")) {
            return "lock-bar " + e.attr("fill") + " y=" + e.attr("y") + " h=" + e.attr("height") + ": " + e.text();
        }
        return e.tagName() + id + classes + ": " + e.text();
    }
}
