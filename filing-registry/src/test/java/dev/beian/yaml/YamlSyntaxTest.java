package dev.beian.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.StringReader;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.YAMLException;

/** Hand-edited files with a syntax error: each said where, in the editor's words, with its key path. */
class YamlSyntaxTest {
    static final String HEAD = "subjects:\n  - number: 京ICP备11018762号\n    name: 示例\n    websites:\n";

    /** text, expected error (line:column: message). */
    static Stream<Arguments> broken() {
        return Stream.of(
                Arguments.of("a key without its ':'", HEAD + "      - number: 京ICP备11018762号-1\n        name 官网\n        access: here\n",
                        "6:9: YAML syntax: a line that is neither 'key: value' nor a '- ' list item (a ':' missing, "
                                + "or a quote opened above and never closed?) (in subjects[0].websites[0])"),
                Arguments.of("a list never closed", HEAD + "      - number: 京ICP备11018762号-1\n        domains: [a.cn, b.cn\n        access: here\n",
                        "6:18: YAML syntax: a [ ] list that is not closed with ']' (or an item in it that needs quotes) "
                                + "(in subjects[0].websites[0].domains)"),
                Arguments.of("a tab for indentation", "subjects:\n\t- number: x\n",
                        "2:1: YAML syntax: a character that cannot begin a value here (a tab? YAML indents with "
                                + "spaces only; quote a value that starts with @, ` or %) (in subjects[0].number)"),
                Arguments.of("a value with ': ' unquoted", HEAD + "      - number: 京ICP备11018762号-1\n        name: 官网: 首页\n",
                        "6:17: YAML syntax: a ':' where no key can start (quote a value that holds ': ', or check this "
                                + "line's indentation) (in subjects[0].websites[0].name)"),
                Arguments.of("the second subject out of line", HEAD + "      - number: 京ICP备11018762号-1\n"
                                + "  - number: 京ICP备11018763号\n   name: 乙\n",
                        "7:4: YAML syntax: this line does not line up with the lines above it (check its indentation) (in subjects[1].name)"),
                Arguments.of("a quote never closed (cut short)", HEAD + "      - number: \"京ICP备11018762号-1\n",
                        "6:1: YAML syntax: the file ends inside a quoted value or a list: was it cut short?"
                                + " (in subjects[0].websites[0].number)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("broken")
    void saidInTheEditorsTermsWithTheKeyPath(String name, String text, String expected) {
        NodeReader reader = new NodeReader(0);
        try {
            TextYaml.create(new LoaderOptions()).compose(new StringReader(text));
            throw new AssertionError("parsed: " + text);
        } catch (YAMLException e) {
            reader.syntaxError(e, text);
        }
        YamlError error = reader.errors().get(0);
        assertEquals(expected, error.line() + ":" + error.column() + ": " + error.message());
    }
}
