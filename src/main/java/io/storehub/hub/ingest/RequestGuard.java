package io.storehub.hub.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import io.storehub.hub.support.HttpRejection;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * First gate of the ingest route: only {@code POST}, only JSON, never more than {@code maxBodySize}
 * bytes read (a chunked body up to one byte past the cap). Leaves the raw body as {@code byte[]}.
 */
public class RequestGuard implements Processor {

    private long maxBodySize = 1024 * 1024;

    @Override
    public void process(Exchange exchange) throws Exception {
        Message in = exchange.getIn();
        String method = in.getHeader(Exchange.HTTP_METHOD, String.class);
        if (method != null && !"POST".equalsIgnoreCase(method)) {
            in.setHeader("Allow", "POST");
            throw new HttpRejection(405, "method_not_allowed",
                    "Storeganise webhooks are delivered with POST; " + method + " is not accepted here.");
        }
        String contentType = in.getHeader(Exchange.CONTENT_TYPE, String.class);
        if (!isJson(contentType)) {
            throw unsupportedMediaType(contentType);
        }
        Long declared = in.getHeader(Exchange.CONTENT_LENGTH, Long.class);
        if (declared != null && declared > maxBodySize) {
            throw tooLarge();
        }
        in.setBody(readCapped(in.getBody()));
    }

    /** The 415 answer to a body that is not JSON (also given before the route for form and multipart bodies). */
    public static HttpRejection unsupportedMediaType(String contentType) {
        return new HttpRejection(415, "unsupported_media_type",
                "The body must be JSON (Content-Type application/json), not "
                        + (contentType == null ? "an undeclared type" : "'" + contentType + "'") + ".");
    }

    public static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String mime = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return mime.equals("application/json") || (mime.startsWith("application/") && mime.endsWith("+json"));
    }

    private byte[] readCapped(Object body) throws IOException {
        if (body == null) {
            return check(new byte[0]);
        }
        if (body instanceof byte[] bytes) {
            return check(bytes);
        }
        if (body instanceof String text) {
            return check(text.getBytes(StandardCharsets.UTF_8));
        }
        if (body instanceof Reader reader) {
            // Spring's servlet binding hands over a Reader already decoded as UTF-8 (JSON's only encoding)
            return readCapped(reader);
        }
        if (body instanceof InputStream stream) {
            return check(stream.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodySize + 1)));
        }
        throw new HttpRejection(400, "unreadable_body", "The request body could not be read.");
    }

    private byte[] readCapped(Reader reader) throws IOException {
        // chars never outnumber UTF-8 bytes, so a char cap of maxBodySize + 1 bounds the bytes too
        int cap = (int) Math.min(Integer.MAX_VALUE - 8, maxBodySize + 1);
        StringBuilder text = new StringBuilder(Math.min(cap, 8192));
        char[] buffer = new char[8192];
        int n;
        while (text.length() < cap && (n = reader.read(buffer, 0, Math.min(buffer.length, cap - text.length()))) > 0) {
            text.append(buffer, 0, n);
        }
        if (text.length() > maxBodySize) {
            throw tooLarge();
        }
        CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            ByteBuffer encoded = encoder.encode(CharBuffer.wrap(text));
            byte[] bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
            return check(bytes);
        } catch (CharacterCodingException e) {
            throw new HttpRejection(400, "invalid_encoding", "The body is not valid UTF-8 text.");
        }
    }

    private byte[] check(byte[] bytes) {
        if (bytes.length > maxBodySize) {
            throw tooLarge();
        }
        if (bytes.length == 0) {
            throw new HttpRejection(400, "empty_body", "The request has no body; a Storeganise event is expected.");
        }
        return bytes;
    }

    private HttpRejection tooLarge() {
        return new HttpRejection(413, "payload_too_large",
                "The body is larger than the " + maxBodySize + " bytes this hub accepts (storeganise.webhook.max-body-size).");
    }

    public void setMaxBodySize(long maxBodySize) {
        this.maxBodySize = maxBodySize;
    }
}
