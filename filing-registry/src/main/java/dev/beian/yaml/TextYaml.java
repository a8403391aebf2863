package dev.beian.yaml;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * SnakeYAML for this product's files (registry.yaml, gateway.yaml): composed to nodes with their marks, and
 * no implicit typing, so every value arrives as the text written ({@code yes} stays "yes", {@code 010} stays
 * "010") and the reader gives it its type. Skipping the resolver's regular expressions on every scalar also
 * makes a large registry compose a third faster.
 */
public final class TextYaml {
    private TextYaml() {
    }

    public static Yaml create(LoaderOptions options) {
        DumperOptions dumper = new DumperOptions();
        return new Yaml(new SafeConstructor(options), new Representer(dumper), dumper, options, new TextOnlyResolver());
    }

    /** Resolves every plain scalar as text. */
    private static final class TextOnlyResolver extends Resolver {
        @Override
        protected void addImplicitResolvers() {
            // none: values are read as the text they are
        }
    }
}
