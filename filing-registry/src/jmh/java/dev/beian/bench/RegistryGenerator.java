package dev.beian.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a synthetic registry of a given number of domains, shaped like a large hosting platform's:
 * subjects with two websites each, two domains per website (one under .cn, one under .com.cn), most
 * accessed here, some provisional, elsewhere, withdrawn or cancelled. Deterministic for a given size.
 */
public final class RegistryGenerator {
    private static final String[] PROVINCES = {"京", "沪", "粤", "浙", "苏", "川", "蜀", "鲁"};

    private RegistryGenerator() {
    }

    public static void main(String[] args) throws IOException {
        int domains = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        write(Path.of(args[0]), domains);
    }

    /** Domain {@code k} of the generated registry: what a request for a filed host looks like. */
    public static String domain(int subject, int website, int n) {
        return n == 0 ? "s" + subject + "w" + website + "-site.cn" : "s" + subject + "w" + website + ".com.cn";
    }

    public static Path write(Path file, int domainCount) {
        int subjects = Math.max(1, domainCount / 4);
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("subjects:\n");
            for (int s = 0; s < subjects; s++) {
                String province = PROVINCES[s % PROVINCES.length];
                String number = province + "ICP备" + (2000000000L + s) + "号";
                w.write("  - number: " + number + "\n");
                w.write("    name: 公司" + s + "\n");
                if (s % 997 == 0) {
                    w.write("    status: cancelled\n");
                }
                w.write("    websites:\n");
                for (int site = 1; site <= 2; site++) {
                    w.write("      - number: " + number + "-" + site + "\n");
                    w.write("        name: 站" + site + "\n");
                    w.write("        domains: [" + domain(s, site, 0) + ", " + domain(s, site, 1) + "]\n");
                    int kind = (s * 2 + site) % 50;
                    if (kind == 1) {
                        w.write("        access: provisional\n        access-until: 2099-01-10\n");
                    } else if (kind == 2) {
                        w.write("        access: elsewhere\n");
                    } else if (kind == 3) {
                        w.write("        access: withdrawn\n");
                    } else {
                        w.write("        access: here\n");
                    }
                    if (kind == 4) {
                        w.write("        status: cancelled\n");
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }
}
