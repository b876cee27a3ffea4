package io.storehub.hub.ingest;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Expected values are what Node 20 prints for JSON.stringify(JSON.parse(input)). */
class NodeJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "1.0|1",
            "100.00|100",
            "-0|0",
            "-0.0|0",
            "1.5|1.5",
            "0.1|0.1",
            "0.000001|0.000001",
            "0.0000001|1e-7",
            "1E21|1e+21",
            "1e20|100000000000000000000",
            "123e-20|1.23e-18",
            "12345678901234567890|12345678901234567000",
            "-2.5e-8|-2.5e-8",
            "9007199254740993|9007199254740992",
            "1.7976931348623157e308|1.7976931348623157e+308"
    })
    void printsNumbersAsV8Does(String input, String expected) throws Exception {
        assertThat(stringify(input)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "`{ \"b\" : 1, \"a\" : [1, 2.0, true, null] }`|`{\"b\":1,\"a\":[1,2,true,null]}`",
            "`{\"b\":1,\"10\":2,\"2\":3,\"01\":4}`|`{\"2\":3,\"10\":2,\"b\":1,\"01\":4}`",
            "`{\"a\":1,\"b\":2,\"a\":3}`|`{\"a\":3,\"b\":2}`",
            "`\"tab\\there \\u001F \\/ \\u00e9 \\u2028\"`|`\"tab\\there \\u001f / \u00e9 \u2028\"`",
            "`\"\\ud800 lone\"`|`\"\\ud800 lone\"`"
    })
    void writesStructureKeysAndStringsAsV8Does(String input, String expected) throws Exception {
        assertThat(stringify(input)).isEqualTo(expected);
    }

    private static String stringify(String json) throws Exception {
        return new String(NodeJson.stringify(JSON.readTree(json)), StandardCharsets.UTF_8);
    }
}
