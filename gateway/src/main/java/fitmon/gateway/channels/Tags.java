package fitmon.gateway.channels;

import fitmon.core.channel.TagSyntax;
import fitmon.gateway.problem.ApiProblem;
import org.springframework.http.HttpStatus;

/** TAG checks at the edge, so a bad TAG never costs a round of consensus. */
final class Tags {

    private Tags() {
    }

    static void require(String tag) {
        if (tag == null || !TagSyntax.isValid(tag)) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "INVALID_TAG", "tag " + (tag == null ? "is missing" :
                    "'" + (tag.length() > 64 ? tag.substring(0, 64) + "..." : tag) + "' is invalid") + ": " + TagSyntax.rule());
        }
    }
}
