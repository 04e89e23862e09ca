package com.retail.lakehouse.common.pii;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.retail.lakehouse.common.UserError;
import com.retail.lakehouse.common.config.ConfigLoader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Normalisation and pseudonyms, checked against hand-worked values and RFC 4231. */
class PseudonymizerTest {
  private static final byte[] JEFE = "Jefe".getBytes(StandardCharsets.UTF_8);

  @Test
  void hmacMatchesRfc4231TestCase2() {
    assertEquals(
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        Pseudonymizer.hmacHex(JEFE, "what do ya want for nothing?"));
  }

  @Test
  void emailsAreTrimmedAndLowerCasedBeforeHashing() {
    assertEquals(
        "ann.smith1@example.com", Pseudonymizer.normalizeEmail("  Ann.Smith1@EXAMPLE.com "));
    // Python: hmac.new(b'Jefe', b'email:ann.smith1@example.com', hashlib.sha256).hexdigest()
    String expected = "6851500cf1831dabb6c6f80df9393c55c44ca22087b3186fb7270adc65d87f33";
    assertEquals(expected, Pseudonymizer.pseudonym(JEFE, "email", "ann.smith1@example.com"));
    assertEquals(expected, Pseudonymizer.pseudonym(JEFE, "email", " ANN.Smith1@Example.COM"));
    assertNull(Pseudonymizer.pseudonym(JEFE, "email", null));
    assertNull(Pseudonymizer.pseudonym(JEFE, "email", "  "));
  }

  @Test
  void ukPhonesAreWrittenInInternationalForm() {
    for (String phone :
        List.of(
            "+44 7700 900123",
            "07700 900123",
            "07700-900-123",
            "(07700) 900123",
            "0044 7700 900123",
            "+44 (0)7700 900123",
            "+447700900123")) {
      assertEquals("+447700900123", Pseudonymizer.normalizePhone(phone), phone);
    }
    // Python: hmac.new(b'Jefe', b'phone:+447700900123', hashlib.sha256).hexdigest()
    assertEquals(
        "eeccb1ff7287c9555130dc9290e50adbd39b1da82ed3e5abdf83eb1d32b0d7c3",
        Pseudonymizer.pseudonym(JEFE, "phone", "07700 900123"));
    assertNull(Pseudonymizer.normalizePhone(" "));
  }

  @Test
  void kindAndKeyChangeThePseudonym() {
    assertNotEquals(
        Pseudonymizer.pseudonym(JEFE, "email", "x@y.z"),
        Pseudonymizer.pseudonym(JEFE, "customer", "x@y.z"));
    assertNotEquals(
        Pseudonymizer.pseudonym(JEFE, "email", "x@y.z"),
        Pseudonymizer.pseudonym("other".getBytes(StandardCharsets.UTF_8), "email", "x@y.z"));
  }

  @Test
  void postcodeAreaIsTheLeadingLettersOfTheOutwardCode() {
    assertEquals("SW", Pseudonymizer.postcodeArea("SW1A 1AA"));
    assertEquals("M", Pseudonymizer.postcodeArea("m1 1ae"));
    assertEquals("B", Pseudonymizer.postcodeArea("B33 8TH"));
    assertEquals("EH", Pseudonymizer.postcodeArea(" eh12 9ab"));
    assertNull(Pseudonymizer.postcodeArea("12345"));
    assertNull(Pseudonymizer.postcodeArea(null));
  }

  @Test
  void keyIsRequiredOutsideTheLocalEnvironment() {
    var local = ConfigLoader.load("local", null, List.of());
    assertEquals(
        "local-development-pii-key-not-secret",
        new String(local.piiKey(null), StandardCharsets.UTF_8));
    assertEquals("s3cret", new String(local.piiKey("s3cret"), StandardCharsets.UTF_8));
    var cluster = ConfigLoader.load("cluster", null, List.of());
    UserError e = assertThrows(UserError.class, () -> cluster.piiKey(" "));
    assertEquals(
        "set LAKEHOUSE_PII_KEY to the secret HMAC key for pseudonyms (the cluster environment has"
            + " no development key)",
        e.getMessage());
    assertEquals("k", new String(cluster.piiKey("k"), StandardCharsets.UTF_8));
  }
}
