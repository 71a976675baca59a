/* FAB's scripts, Select2 and the datepicker speak English outside any catalog: their words
   come from the page (templates/appbuilder/init.html), set before FAB's ready handlers run. */
(function () {
    var words = JSON.parse(document.body.getAttribute("data-script-words") || "{}");
    if ($.fn.select2) {
        $.fn.select2.defaults.set("language", {
            noResults: function () { return words.noResults; },
            searching: function () { return words.searching; },
            loadingMore: function () { return words.loadingMore; },
            errorLoading: function () { return words.errorLoading; },
            removeAllItems: function () { return words.removeAllItems; }
        });
    }
    if ($.fn.datepicker && words.datepicker) {
        $.fn.datepicker.dates.reader = words.datepicker;
        $.fn.datepicker.defaults.language = "reader";
        $.fn.datepicker.defaults.weekStart = words.datepicker.weekStart;
    }
    var fabAlert = window.ab_alert;
    if (fabAlert) {
        window.ab_alert = function (text) {
            fabAlert(text === "No row selected" ? words.noRowSelected : text);
        };
    }
})();

/* Ajax-searched selects (clients, contracts) on top of FAB's bundled Select2 4. */
$(function () {
    $(".rec-ajax-select").each(function () {
        var elem = $(this);
        var depends = elem.data("depends");
        elem.select2({
            theme: "bootstrap",
            allowClear: true,
            placeholder: "",
            minimumInputLength: 0,
            ajax: {
                url: elem.data("endpoint"),
                dataType: "json",
                delay: 250,
                data: function (params) {
                    var query = {q: params.term || ""};
                    if (depends) { query.client_id = $("#" + depends).val() || ""; }
                    return query;
                },
                processResults: function (data) { return {results: data.results}; }
            }
        });
        if (depends) {
            $("#" + depends).on("change", function () { elem.val(null).trigger("change"); });
        }
    });
    $(".rec-confirm").on("submit", function (e) {
        if (!window.confirm($(this).data("confirm"))) { e.preventDefault(); }
    });
});

/* Every row of a list opens its record (the row's "show" link); the keyboard reaches it
   through the link itself. A client's complaints tab unfolds its rows instead. */
$(function () {
    $("table.table tbody tr").not(".rec-unfolding tr").each(function () {
        var row = $(this);
        var link = row.find("a[href*='/show/']").first();
        if (!link.length) { return; }
        row.addClass("rec-clickable-row").on("click", function (e) {
            if ($(e.target).closest("a, button, input, label, select, form").length) { return; }
            window.location = link.attr("href");
        });
    });
});

/* A client's complaints tab: a click on a row, or its button, unfolds the complaint's
   details and actions below it (seed 000); a second click folds them. */
$(function () {
    function toggle(row) {
        var details = $("#" + row.data("details"));
        var open = details.prop("hidden");
        details.prop("hidden", !open);
        row.attr("aria-expanded", open ? "true" : "false");
        row.find(".rec-toggle").attr("aria-expanded", open ? "true" : "false");
    }
    $(".rec-unfolding tr.rec-unfold").on("click", function (e) {
        var target = $(e.target);
        if (target.closest(".rec-toggle").length) { toggle($(this)); return; }
        if (target.closest("a, button, input, label, select, form").length) { return; }
        toggle($(this));
    });
});

/* Open the tab named in the URL's hash (after posting a note, a reminder, …). */
$(function () {
    if (location.hash && $('a[data-toggle="tab"][href="' + location.hash + '"]').length) {
        $('a[data-toggle="tab"][href="' + location.hash + '"]').tab("show");
    }
});

/* Messages tab: insert the chosen response template into the message; the assignee
   opening the tab marks the complainant's messages read (a POST with the CSRF token). */
$(function () {
    $("#insert-template").on("click", function () {
        var body = $("#response-template option:selected").data("body") || "";
        var area = $("#" + $(this).data("target"));
        var current = area.val();
        area.val(current ? current + "\n\n" + body : body).focus();
    });
    var tab = $("#tab-messages");
    function markRead() {
        var url = tab.data("mark-read");
        if (!url) { return; }
        tab.removeData("mark-read").removeAttr("data-mark-read");
        var token = $("#mark-messages-read input[name=csrf_token]").val();
        fetch(url, {method: "POST", credentials: "same-origin",
                    headers: {"X-CSRFToken": token, "X-Requested-With": "fetch"}})
            .then(function (response) {
                if (response.ok) { $("#messages-unread, #mark-messages-read").remove(); }
            });
    }
    tab.on("shown.bs.tab", markRead);
    if (location.hash === "#messages") { markRead(); }
});

/* Complaint form: a custom field meant for some request types only is shown only when
   one of them is selected (the server checks the same rule on save). */
$(function () {
    var fields = $("[data-cf-types]").filter(function () { return $(this).data("cf-types") !== ""; });
    if (!fields.length) { return; }
    var select = $("#request_type");
    function toggle() {
        var chosen = String(select.val() || "");
        fields.each(function () {
            var types = String($(this).data("cf-types")).split(" ");
            $(this).closest("tr").toggle(types.indexOf(chosen) >= 0);
        });
    }
    select.on("change", toggle);
    toggle();
});
